package activelearning

// Thin wrappers over the store's methods, and the few queries the store has
// no method for yet (marked MOVE TO store). Each reads through a bun.IDB: the
// transaction or, when nil, the database.

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"activelab/store"
)

// db returns tx or, when nil, the store's database.
func (s *Service) db(tx bun.IDB) bun.IDB {
	if tx == nil {
		return s.st.DB()
	}
	return tx
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// modelByID reads a model version in db.
func (s *Service) modelByID(ctx context.Context, db bun.IDB, id int64) (*store.MLModel, error) {
	return s.st.ModelVersion(ctx, db, id)
}

// lineageVersions returns every version of the lineage whose root (version
// 1) is lineageID, oldest first; ErrNotFound when lineageID is not a root.
func (s *Service) lineageVersions(ctx context.Context, db bun.IDB, lineageID int64) ([]*store.MLModel, error) {
	return s.st.ModelVersions(ctx, db, lineageID)
}

// lineageID returns the lineage (version-1 id) of a version.
func (s *Service) lineageID(_ context.Context, _ bun.IDB, m *store.MLModel) (int64, error) {
	if m.LineageID == 0 {
		return 0, fmt.Errorf("model %d has no lineage: %w", m.ID, store.ErrNotFound)
	}
	return m.LineageID, nil
}

func versionIDs(vs []*store.MLModel) []int64 {
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	return ids
}

// activeOrLatest picks the active version, else the newest.
func activeOrLatest(vs []*store.MLModel) *store.MLModel {
	for _, v := range vs {
		if v.Status == store.ModelActive {
			return v
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// compoundsByIDs reads compounds in db, in the order of ids (a missing one
// is an ErrNotFound).
func (s *Service) compoundsByIDs(ctx context.Context, db bun.IDB, ids []int64) ([]*store.Compound, error) {
	return s.st.LoadCompounds(ctx, db, ids)
}

// measuredCompoundIDs returns the compounds that have a measurement of the endpoint.
func (s *Service) measuredCompoundIDs(ctx context.Context, db bun.IDB, endpoint string) (map[int64]bool, error) {
	ids, err := s.st.MeasuredCompoundIDs(ctx, db, endpoint)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// validationMembers reads a validation set's members in db.
func (s *Service) validationMembers(ctx context.Context, db bun.IDB, id int64) ([]store.ValidationSetMember, error) {
	return s.st.ValidationMembers(ctx, db, id)
}

// cycleByID reads a cycle in db.
func (s *Service) cycleByID(ctx context.Context, db bun.IDB, id int64) (*store.ActiveLearningCycle, error) {
	return s.st.Cycle(ctx, db, id)
}

// itemByID reads a queue item in db.
func (s *Service) itemByID(ctx context.Context, db bun.IDB, id int64) (*store.LabelQueueItem, error) {
	return s.st.QueueItem(ctx, db, id)
}
