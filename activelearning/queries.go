package activelearning

// Queries the store has no method for yet. Each is a small bun query over a
// bun.IDB (the transaction or the database) and is meant to move into store/
// as the store grows: MOVE TO store.

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

// modelByID reads a model version in db. MOVE TO store (MLModelByID taking bun.IDB).
func (s *Service) modelByID(ctx context.Context, db bun.IDB, id int64) (*store.MLModel, error) {
	m := new(store.MLModel)
	if err := s.db(db).NewSelect().Model(m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "model %d", id)
	}
	return m, nil
}

// lineageVersions returns every version of the lineage whose root (version
// 1) is lineageID, oldest first. Versions of a lineage share the root's name
// (until store adds lineage_id). MOVE TO store.
func (s *Service) lineageVersions(ctx context.Context, db bun.IDB, lineageID int64) ([]*store.MLModel, error) {
	root, err := s.modelByID(ctx, db, lineageID)
	if err != nil {
		return nil, err
	}
	if root.Version != 1 {
		return nil, fmt.Errorf("model %d is version %d of %q, not a lineage id: %w", lineageID, root.Version, root.Name, store.ErrNotFound)
	}
	var vs []*store.MLModel
	if err := s.db(db).NewSelect().Model(&vs).Where("name = ?", root.Name).Order("version").Scan(ctx); err != nil {
		return nil, fmt.Errorf("versions of model %d: %w", lineageID, err)
	}
	return vs, nil
}

// lineageID returns the lineage (version-1 id) of a version.
func (s *Service) lineageID(ctx context.Context, db bun.IDB, m *store.MLModel) (int64, error) {
	if m.Version == 1 {
		return m.ID, nil
	}
	var id int64
	err := s.db(db).NewSelect().Model((*store.MLModel)(nil)).Column("id").
		Where("name = ?", m.Name).Where("version = 1").Scan(ctx, &id)
	if err != nil {
		return 0, notFound(err, "lineage of model %d", m.ID)
	}
	return id, nil
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

// compoundsByIDs reads compounds in db, in the order of ids (missing ones
// are an ErrNotFound). MOVE TO store (CompoundsByIDs taking bun.IDB).
func (s *Service) compoundsByIDs(ctx context.Context, db bun.IDB, ids []int64) ([]*store.Compound, error) {
	out := make([]*store.Compound, 0, len(ids))
	byID := make(map[int64]*store.Compound, len(ids))
	const chunk = 500
	for i := 0; i < len(ids); i += chunk {
		part := ids[i:min(i+chunk, len(ids))]
		var cs []*store.Compound
		if err := s.db(db).NewSelect().Model(&cs).Where("id IN (?)", bun.In(part)).Scan(ctx); err != nil {
			return nil, fmt.Errorf("compounds: %w", err)
		}
		for _, c := range cs {
			byID[c.ID] = c
		}
	}
	for _, id := range ids {
		c, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("compound %d: %w", id, store.ErrNotFound)
		}
		out = append(out, c)
	}
	return out, nil
}

// endpointMeasurements returns the measurements of an endpoint, optionally
// only of compounds in setID (0 = any) and excluding origin label unless
// withLabels. MOVE TO store.
func (s *Service) endpointMeasurements(ctx context.Context, db bun.IDB, endpoint string, setID int64, origins []store.Origin) ([]*store.Measurement, error) {
	var ms []*store.Measurement
	q := s.db(db).NewSelect().Model(&ms).Where("m.endpoint = ?", endpoint).Order("m.id")
	if setID != 0 {
		q = q.Where("m.compound_id IN (SELECT compound_id FROM compound_set_members WHERE set_id = ?)", setID)
	}
	if len(origins) > 0 {
		q = q.Where("m.origin IN (?)", bun.In(origins))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("measurements of %s: %w", endpoint, err)
	}
	return ms, nil
}

// measuredCompoundIDs returns the compounds that have a measurement of the endpoint.
func (s *Service) measuredCompoundIDs(ctx context.Context, db bun.IDB, endpoint string) (map[int64]bool, error) {
	var ids []int64
	err := s.db(db).NewSelect().Model((*store.Measurement)(nil)).ColumnExpr("DISTINCT compound_id").
		Where("endpoint = ?", endpoint).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("measured compounds of %s: %w", endpoint, err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// validationMembers reads a validation set's members in db. MOVE TO store.
func (s *Service) validationMembers(ctx context.Context, db bun.IDB, id int64) ([]store.ValidationSetMember, error) {
	var ms []store.ValidationSetMember
	if err := s.db(db).NewSelect().Model(&ms).Where("validation_set_id = ?", id).Order("compound_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("validation set %d: %w", id, err)
	}
	return ms, nil
}

// cycleByID reads a cycle in db. MOVE TO store (CycleByID taking bun.IDB).
func (s *Service) cycleByID(ctx context.Context, db bun.IDB, id int64) (*store.ActiveLearningCycle, error) {
	c := new(store.ActiveLearningCycle)
	if err := s.db(db).NewSelect().Model(c).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "cycle %d", id)
	}
	return c, nil
}

// cycleOfBatch returns the cycle of a lineage with the given number (nil when none).
func (s *Service) cycleOfBatch(ctx context.Context, db bun.IDB, versionIDs []int64, number int) (*store.ActiveLearningCycle, error) {
	var cs []*store.ActiveLearningCycle
	err := s.db(db).NewSelect().Model(&cs).Where("model_id IN (?)", bun.In(versionIDs)).
		Where("cycle_number = ?", number).Limit(1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("cycle %d: %w", number, err)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return cs[0], nil
}

// itemByID reads a queue item in db. MOVE TO store (QueueItemByID taking bun.IDB).
func (s *Service) itemByID(ctx context.Context, db bun.IDB, id int64) (*store.LabelQueueItem, error) {
	it := new(store.LabelQueueItem)
	if err := s.db(db).NewSelect().Model(it).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "queue item %d", id)
	}
	return it, nil
}

// claimQuery adds the row lock that lets concurrent claimers skip each
// other's rows on PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite's write
// transaction already holds the database. MOVE TO store (backend.forClaim).
func (s *Service) claimQuery(q *bun.SelectQuery) *bun.SelectQuery {
	if s.st.Dialect() == store.DialectPostgres {
		return q.For("UPDATE SKIP LOCKED")
	}
	return q
}
