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
	APITokensByUser(ctx context.Context, userID int64) ([]*APIToken, error)
	ActivateVersion(ctx context.Context, id int64, at time.Time) (superseded int64, err error)
	ActiveMLModel(ctx context.Context, name string) (*MLModel, error)
	ActiveVersionByLineage(ctx context.Context, lineageID int64) (*MLModel, error)
	AddCompoundSetMembers(ctx context.Context, setID int64, compoundIDs []int64) error
	AddLabelChange(ctx context.Context, c *LabelChange) error
	AllCompoundIDs(ctx context.Context) ([]int64, error)
	AmendItemLabel(ctx context.Context, id int64, version int, l ItemLabel, at time.Time) error
	AppendEvent(ctx context.Context, e *Event) error
	AssignQueueItem(ctx context.Context, id int64, version int, to int64, at time.Time) error
	BumpCycleCounts(ctx context.Context, cycleID int64, labeled, skipped int) error
	ClaimItem(ctx context.Context, id int64, version int, user int64, now, leaseUntil time.Time) error
	ClaimNextItem(ctx context.Context, modelIDs []int64, userID int64, now, leaseUntil time.Time) (*Claim, error)
	CompleteCycle(ctx context.Context, id int64, r CycleResult) error
	CompoundByID(ctx context.Context, id int64) (*Compound, error)
	CompoundBySMILES(ctx context.Context, canonical string) (*Compound, error)
	CompoundSetByID(ctx context.Context, id int64) (*CompoundSet, error)
	CompoundSetByName(ctx context.Context, name string) (*CompoundSet, error)
	CompoundSetMemberIDs(ctx context.Context, setID int64) ([]int64, error)
	CompoundSetWithSizeByID(ctx context.Context, id int64) (*CompoundSetWithSize, error)
	CompoundSetsWithSize(ctx context.Context) ([]*CompoundSetWithSize, error)
	CompoundsByIDs(ctx context.Context, ids []int64) ([]*Compound, error)
	CountCompounds(ctx context.Context, f CompoundFilter) (int, error)
	CountQueue(ctx context.Context, f QueueFilter) (int, error)
	CountQueueByStatus(ctx context.Context, f QueueFilter) (map[QueueStatus]int, error)
	CountUsers(ctx context.Context) (int, error)
	CreateAPIToken(ctx context.Context, t *APIToken) error
	CreateCompound(ctx context.Context, c *Compound) error
	CreateCompoundSet(ctx context.Context, cs *CompoundSet) error
	CreateCycle(ctx context.Context, c *ActiveLearningCycle) error
	CreateMLModel(ctx context.Context, m *MLModel) error
	CreateMeasurement(ctx context.Context, m *Measurement) error
	CreateQueueItems(ctx context.Context, items []*LabelQueueItem) error
	CreateSession(ctx context.Context, sess *Session) error
	CreateUser(ctx context.Context, u *User) error
	CreateValidationSet(ctx context.Context, vs *ValidationSet, members []ValidationSetMember) error
	CurrentVersionByLineage(ctx context.Context, lineageID int64) (*MLModel, error)
	CurrentVersions(ctx context.Context, lineageIDs []int64) (map[int64]*MLModel, error)
	Cycle(ctx context.Context, id int64) (*ActiveLearningCycle, error)
	CycleByNumber(ctx context.Context, lineageID int64, number int) (*ActiveLearningCycle, error)
	CyclesByLineage(ctx context.Context, lineageID int64) ([]*ActiveLearningCycle, error)
	CyclesByModel(ctx context.Context, modelID int64) ([]*ActiveLearningCycle, error)
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
	DeleteItemMeasurement(ctx context.Context, itemID int64) error
	DeleteSelectionShards(ctx context.Context, cycleID int64) error
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	EachCompound(ctx context.Context, setID int64, chunk int, fn func([]*Compound) error) error
	EachExportRow(ctx context.Context, endpoint string, setID int64, chunk int, fn func(*ExportRow) error) error
	EachFeatureRow(ctx context.Context, ids []int64, fn func(i int, r *FeatureRow) error) error
	EachFingerprint(ctx context.Context, chunk int, fn func(id int64, fp []byte) error) error
	EndpointRange(ctx context.Context, endpoint string) (ValueRange, error)
	Endpoints(ctx context.Context) ([]*EndpointStats, error)
	EnsureCompound(ctx context.Context, c *Compound) (created bool, err error)
	EventsAfter(ctx context.Context, afterSeq int64, modelID *int64, limit int) ([]*Event, error)
	ExportCompounds(ctx context.Context, f CompoundFilter, afterID int64, limit int) ([]ExportCompound, error)
	FailTraining(ctx context.Context, id int64, msg string) error
	FailTrainingCycle(ctx context.Context, id int64, msg string) (bool, error)
	HasImportedValue(ctx context.Context, compoundID int64, endpoint string, value float64, q Qualifier) (bool, error)
	HasMeasurements(ctx context.Context, endpoint string) (bool, error)
	LabelHistory(ctx context.Context, itemIDs []int64) (map[int64][]*LabelChange, error)
	LabelItem(ctx context.Context, id int64, version int, l ItemLabel, at time.Time) error
	LabelsPerLabeler(ctx context.Context, modelIDs []int64) ([]LabelerCount, error)
	LastCycleActor(ctx context.Context, cycleID int64, typ string) (int64, error)
	LastEventSeq(ctx context.Context) (int64, error)
	LineageVersionIDs(ctx context.Context, lineageID int64) ([]int64, error)
	ListQueue(ctx context.Context, f QueueFilter, order QueueOrder, after *QueueCursor, limit int) (*QueuePage, error)
	ListUsers(ctx context.Context) ([]*User, error)
	LoadCompounds(ctx context.Context, ids []int64) ([]*Compound, error)
	LockEnabledAdmins(ctx context.Context) ([]*User, error)
	MeasuredCompoundIDs(ctx context.Context, endpoint string) ([]int64, error)
	MeasurementByID(ctx context.Context, id int64) (*Measurement, error)
	MeasurementsByCompound(ctx context.Context, compoundID int64, endpoint string) ([]*Measurement, error)
	MeasurementsByCompoundIDs(ctx context.Context, ids []int64, endpoint string) ([][]*Measurement, error)
	MeasurementsByEndpoint(ctx context.Context, endpoint string, q MeasurementQuery) ([]*Measurement, error)
	ModelVersion(ctx context.Context, id int64) (*MLModel, error)
	ModelVersions(ctx context.Context, lineageID int64) ([]*MLModel, error)
	ModelsLatestPerLineage(ctx context.Context) ([]*MLModel, error)
	MoveOpenItems(ctx context.Context, toModelID int64, scores []Rescore, at time.Time) (int, error)
	NextCycleNumber(ctx context.Context, lineageID int64) (int, error)
	OpenCycleForLabeling(ctx context.Context, id int64, selected int) error
	OpenItems(ctx context.Context, modelIDs []int64) ([]*LabelQueueItem, error)
	QueueItem(ctx context.Context, id int64) (*LabelQueueItem, error)
	QueueItemsByIDs(ctx context.Context, ids []int64) ([]*LabelQueueItem, error)
	QueuedCompoundIDs(ctx context.Context, f QueueFilter) ([]int64, error)
	ReleaseItem(ctx context.Context, id int64, version int, at time.Time) error
	RenewItemLease(ctx context.Context, id int64, version int, until, at time.Time) error
	ReopenItem(ctx context.Context, id int64, version int, at time.Time) error
	RevokeAPIToken(ctx context.Context, userID, tokenID int64) error
	SaveSelectionShard(ctx context.Context, sh *SelectionShard) (int, error)
	SearchCompoundSMILES(ctx context.Context, f CompoundFilter, afterID int64, limit int) ([]CompoundSMILES, error)
	SearchCompounds(ctx context.Context, f CompoundFilter, afterID int64, limit int) ([]*Compound, error)
	SelectionShards(ctx context.Context, cycleID int64) ([]*SelectionShard, error)
	SessionByHash(ctx context.Context, hash []byte) (*Session, *User, error)
	SetCompoundProperties(ctx context.Context, id int64, props Properties) error
	SetCycleParams(ctx context.Context, id int64, params json.RawMessage) error
	SetCycleSelected(ctx context.Context, id int64, n int) error
	SetMLModelStatus(ctx context.Context, id int64, status ModelStatus) error
	SetUserDisabled(ctx context.Context, id int64, disabled bool, at time.Time) error
	SetUserName(ctx context.Context, id int64, name string) error
	SetUserPassword(ctx context.Context, id int64, hash string) error
	SetUserRole(ctx context.Context, id int64, role Role) error
	SkipQueueItem(ctx context.Context, id int64, version int, by int64, reason string, at time.Time) error
	StartCycleTraining(ctx context.Context, id int64) error
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	TouchSession(ctx context.Context, hash []byte, at time.Time) error
	UpdateCycle(ctx context.Context, c *ActiveLearningCycle) error
	UpdateItemMeasurement(ctx context.Context, itemID int64, l ItemLabel) error
	UpdateMLModel(ctx context.Context, m *MLModel) error
	UpdateQueueItem(ctx context.Context, it *LabelQueueItem) error
	UserByEmail(ctx context.Context, email string) (*User, error)
	UserByID(ctx context.Context, id int64) (*User, error)
	UsersByIDs(ctx context.Context, ids []int64) ([]*User, error)
	ValidationMembers(ctx context.Context, id int64) ([]ValidationSetMember, error)
	ValidationSetByID(ctx context.Context, id int64) (*ValidationSet, error)
}
