package activelearning

// Small helpers over the store's reads.

import (
	"context"
	"fmt"
	"time"

	"activelab/store"
)

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// lineageOf returns the lineage (version-1 id) of a version.
func lineageOf(m *store.MLModel) (store.ID, error) {
	if m.LineageID == store.NilID {
		return store.NilID, fmt.Errorf("model %d has no lineage: %w", m.ID, store.ErrNotFound)
	}
	return m.LineageID, nil
}

// versionLineage returns the lineage of version id, read through q
// without the version's artifact.
func versionLineage(ctx context.Context, q store.Querier, id store.ID) (store.ID, error) {
	v, err := q.ModelVersionInfo(ctx, id)
	if err != nil {
		return store.NilID, err
	}
	return lineageOf(v)
}

// lineageVersionIDs returns the ids of every version of a lineage (the
// model_id values its queue items carry), without reading the versions'
// artifacts as ModelVersions does: the hot paths (a queue page, a claim)
// need only the ids. ErrNotFound when lineageID is not a version 1's id.
func (s *Service) lineageVersionIDs(ctx context.Context, lineageID store.ID) ([]store.ID, error) {
	ids, err := s.st.LineageVersionIDs(ctx, lineageID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 || ids[0] != lineageID {
		return nil, fmt.Errorf("model %s is not a lineage (the id of a version 1): %w", lineageID, store.ErrNotFound)
	}
	return ids, nil
}

func versionIDs(vs []*store.MLModel) []store.ID {
	ids := make([]store.ID, len(vs))
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

// measuredCompoundIDs returns the compounds that have a measurement of the endpoint.
func (s *Service) measuredCompoundIDs(ctx context.Context, db store.Querier, endpoint string) (map[store.ID]bool, error) {
	ids, err := db.MeasuredCompoundIDs(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	out := make(map[store.ID]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
