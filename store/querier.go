package store

import (
	"context"
	"encoding/json"
	"time"
)

// Querier is every query and write of the store, as a *Store (on the
// database) and a *Tx (inside one transaction) both do it; each method is
// documented where it is defined. Code that works in or out of a
// transaction takes a Querier. TestQuerierIsComplete checks that it lists
// every exported method the two share.
type Querier interface {
	APITokenByHash(ctx context.Context, hash []byte) (*APIToken, *User, error)
	APITokensByUser(ctx context.Context, userID ID) ([]*APIToken, error)
	ActivateVersion(ctx context.Context, id ID, at time.Time) (superseded ID, err error)
	ActiveMLModel(ctx context.Context, name string) (*MLModel, error)
	ActiveVersionByLineage(ctx context.Context, lineageID ID) (*MLModel, error)
	AddCompoundSetMembers(ctx context.Context, setID ID, compoundIDs []ID) error
	AddLabelChange(ctx context.Context, c *LabelChange) error
	AdvanceImport(ctx context.Context, id ID, rowsDone int, st ImportStep) error
	AllCompoundIDs(ctx context.Context) ([]ID, error)
	AmendItemLabel(ctx context.Context, id ID, version int, l ItemLabel, at time.Time) error
	AppendEvent(ctx context.Context, e *Event) error
	ArchiveItemsTrainedBy(ctx context.Context, versionID ID, at time.Time) (int, error)
	AssignQueueItem(ctx context.Context, id ID, version int, to ID, at time.Time) error
	BumpCycleCounts(ctx context.Context, cycleID ID, labeled, skipped int) error
	CancelSelectingCycle(ctx context.Context, id ID, msg string, at time.Time) (bool, error)
	ClaimItem(ctx context.Context, id ID, version int, user ID, now, leaseUntil time.Time) error
	ClaimNextItem(ctx context.Context, modelIDs []ID, userID ID, now, leaseUntil time.Time) (*Claim, error)
	CompleteCycle(ctx context.Context, id ID, r CycleResult) error
	CompoundByID(ctx context.Context, id ID) (*Compound, error)
	CompoundBySMILES(ctx context.Context, canonical string) (*Compound, error)
	CompoundDescriptors(ctx context.Context, ids []ID) (map[ID]json.RawMessage, error)
	CompoundSetByID(ctx context.Context, id ID) (*CompoundSet, error)
	CompoundSetByName(ctx context.Context, name string) (*CompoundSet, error)
	CompoundSetMemberIDs(ctx context.Context, setID ID) ([]ID, error)
	CompoundSetWithSizeByID(ctx context.Context, id ID) (*CompoundSetWithSize, error)
	CompoundSetsWithSize(ctx context.Context) ([]*CompoundSetWithSize, error)
	CompoundSummariesByIDs(ctx context.Context, ids []ID) ([]*Compound, error)
	CompoundsByIDs(ctx context.Context, ids []ID) ([]*Compound, error)
	CountCompounds(ctx context.Context, f CompoundFilter) (int, error)
	CountQueue(ctx context.Context, f QueueFilter) (int, error)
	CountQueueByStatus(ctx context.Context, f QueueFilter) (map[QueueStatus]int, error)
	CountUsers(ctx context.Context) (int, error)
	CreateAPIToken(ctx context.Context, t *APIToken) error
	CreateCompound(ctx context.Context, c *Compound) error
	CreateCompoundSet(ctx context.Context, cs *CompoundSet) error
	CreateCycle(ctx context.Context, c *ActiveLearningCycle) error
	CreateImport(ctx context.Context, imp *Import) error
	CreateMLModel(ctx context.Context, m *MLModel) error
	CreateMeasurement(ctx context.Context, m *Measurement) error
	CreateQueueItems(ctx context.Context, items []*LabelQueueItem) error
	CreateSession(ctx context.Context, sess *Session) error
	CreateUser(ctx context.Context, u *User) error
	CreateValidationSet(ctx context.Context, vs *ValidationSet, members []ValidationSetMember) error
	CurrentVersionByLineage(ctx context.Context, lineageID ID) (*MLModel, error)
	CurrentVersions(ctx context.Context, lineageIDs []ID) (map[ID]*MLModel, error)
	Cycle(ctx context.Context, id ID) (*ActiveLearningCycle, error)
	CycleByNumber(ctx context.Context, lineageID ID, number int) (*ActiveLearningCycle, error)
	CyclesByLineage(ctx context.Context, lineageID ID) ([]*ActiveLearningCycle, error)
	CyclesByModel(ctx context.Context, modelID ID) ([]*ActiveLearningCycle, error)
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
	DeleteItemMeasurement(ctx context.Context, itemID ID) error
	DeleteSelectionShards(ctx context.Context, cycleID ID) error
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteUserSessions(ctx context.Context, userID ID) (int, error)
	EachCompound(ctx context.Context, setID ID, chunk int, fn func([]*Compound) error) error
	EachExportRow(ctx context.Context, endpoint string, setID ID, chunk int, fn func(*ExportRow) error) error
	EachFeatureRow(ctx context.Context, ids []ID, fn func(i int, r *FeatureRow) error) error
	EachFingerprint(ctx context.Context, chunk int, fn func(id ID, fp []byte) error) error
	EndpointRange(ctx context.Context, endpoint string) (ValueRange, error)
	Endpoints(ctx context.Context) ([]*EndpointStats, error)
	EnsureCompound(ctx context.Context, c *Compound) (created bool, err error)
	EventsAfter(ctx context.Context, afterSeq int64, modelID *ID, limit int) ([]*Event, error)
	ExportCompounds(ctx context.Context, f CompoundFilter, afterID ID, limit int) ([]ExportCompound, error)
	FailTraining(ctx context.Context, id ID, msg string) error
	FailTrainingCycle(ctx context.Context, id ID, msg string) (bool, error)
	FinishImport(ctx context.Context, id ID, state ImportState, errMsg string, rowsTotal *int, at time.Time) error
	HasImportedValue(ctx context.Context, compoundID ID, endpoint string, value float64, q Qualifier) (bool, error)
	HasMeasurements(ctx context.Context, endpoint string) (bool, error)
	ImportByID(ctx context.Context, id ID) (*Import, error)
	ImportByJobID(ctx context.Context, jobID int64) (*Import, error)
	ImportRejects(ctx context.Context, id ID, limit int) ([]*ImportReject, error)
	ImportsBySet(ctx context.Context, setID ID, limit int) ([]*Import, error)
	LabelHistory(ctx context.Context, itemIDs []ID) (map[ID][]*LabelChange, error)
	LabelItem(ctx context.Context, id ID, version int, l ItemLabel, at time.Time) error
	LabelsPerLabeler(ctx context.Context, modelIDs []ID) ([]LabelerCount, error)
	LabeledItemsOfCycles(ctx context.Context, cycleIDs []ID) (map[ID]*CycleLabels, error)
	LastCycleActor(ctx context.Context, cycleID ID, typ string) (ID, error)
	LastEventSeq(ctx context.Context) (int64, error)
	LineageVersionIDs(ctx context.Context, lineageID ID) ([]ID, error)
	ListQueue(ctx context.Context, f QueueFilter, order QueueOrder, after *QueueCursor, limit int) (*QueuePage, error)
	ListQueueWithCompounds(ctx context.Context, f QueueFilter, order QueueOrder, after *QueueCursor, limit int) (*QueuePage, map[ID]*Compound, error)
	ListUsers(ctx context.Context) ([]*User, error)
	LoadCompounds(ctx context.Context, ids []ID) ([]*Compound, error)
	LockEnabledAdmins(ctx context.Context) ([]*User, error)
	MarkTrainedItems(ctx context.Context, itemIDs []ID, versionID ID, active bool, at time.Time) (int, error)
	MeasuredCompoundIDs(ctx context.Context, endpoint string) ([]ID, error)
	MeasurementByID(ctx context.Context, id ID) (*Measurement, error)
	MeasurementsByCompound(ctx context.Context, compoundID ID, endpoint string) ([]*Measurement, error)
	MeasurementsByCompoundIDs(ctx context.Context, ids []ID, endpoint string) ([][]*Measurement, error)
	MeasurementsByEndpoint(ctx context.Context, endpoint string, q MeasurementQuery) ([]*Measurement, error)
	ModelVersion(ctx context.Context, id ID) (*MLModel, error)
	ModelVersionInfo(ctx context.Context, id ID) (*MLModel, error)
	ModelVersions(ctx context.Context, lineageID ID) ([]*MLModel, error)
	ModelsLatestPerLineage(ctx context.Context) ([]*MLModel, error)
	MoveOpenItems(ctx context.Context, toModelID ID, scores []Rescore, at time.Time) (int, error)
	NextCycleNumber(ctx context.Context, lineageID ID) (int, error)
	OpenCycleForLabeling(ctx context.Context, id ID, selected int) error
	OpenItems(ctx context.Context, modelIDs []ID) ([]*LabelQueueItem, error)
	OpsCounts(ctx context.Context) (*OpsCounts, error)
	QueueItem(ctx context.Context, id ID) (*LabelQueueItem, error)
	QueueItemsByIDs(ctx context.Context, ids []ID) ([]*LabelQueueItem, error)
	QueuedCompoundIDs(ctx context.Context, f QueueFilter) ([]ID, error)
	ReleaseItem(ctx context.Context, id ID, version int, at time.Time) error
	RenewItemLease(ctx context.Context, id ID, version int, until, at time.Time) error
	ReopenItem(ctx context.Context, id ID, version int, at time.Time) error
	ResumeImport(ctx context.Context, id ID, attempts int, at time.Time) error
	RevokeAPIToken(ctx context.Context, userID, tokenID ID) error
	SaveSelectionShard(ctx context.Context, sh *SelectionShard) (int, error)
	SearchCompoundSMILES(ctx context.Context, f CompoundFilter, afterID ID, limit int) ([]CompoundSMILES, error)
	SearchCompounds(ctx context.Context, f CompoundFilter, afterID ID, limit int) ([]*Compound, error)
	SelectionShards(ctx context.Context, cycleID ID) ([]*SelectionShard, error)
	SessionByHash(ctx context.Context, hash []byte) (*Session, *User, error)
	SetCompoundProperties(ctx context.Context, id ID, props Properties) error
	SetCycleParams(ctx context.Context, id ID, params json.RawMessage) error
	SetCycleSelected(ctx context.Context, id ID, n int) error
	SetImportJob(ctx context.Context, id ID, jobID int64) error
	SetMLModelStatus(ctx context.Context, id ID, status ModelStatus) error
	SetUserDisabled(ctx context.Context, id ID, disabled bool, at time.Time) error
	SetUserName(ctx context.Context, id ID, name string) error
	SetUserPassword(ctx context.Context, id ID, hash string) error
	SetUserRole(ctx context.Context, id ID, role Role) error
	SkipQueueItem(ctx context.Context, id ID, version int, by ID, reason string, at time.Time) error
	StartCycleTraining(ctx context.Context, id ID) error
	TouchAPIToken(ctx context.Context, id ID, at time.Time) error
	TouchImport(ctx context.Context, id ID, at time.Time) error
	TouchSession(ctx context.Context, hash []byte, at time.Time) error
	UnarchivedLabeledItems(ctx context.Context, modelIDs []ID, upTo time.Time) ([]*LabelQueueItem, error)
	UnfinishedImport(ctx context.Context, digest string) (*Import, error)
	UpdateCycle(ctx context.Context, c *ActiveLearningCycle) error
	UpdateItemMeasurement(ctx context.Context, itemID ID, l ItemLabel) error
	UpdateMLModel(ctx context.Context, m *MLModel) error
	UpdateQueueItem(ctx context.Context, it *LabelQueueItem) error
	UserByEmail(ctx context.Context, email string) (*User, error)
	UserByID(ctx context.Context, id ID) (*User, error)
	UsersByIDs(ctx context.Context, ids []ID) ([]*User, error)
	ValidationMembers(ctx context.Context, id ID) ([]ValidationSetMember, error)
	ValidationSetByID(ctx context.Context, id ID) (*ValidationSet, error)
}
