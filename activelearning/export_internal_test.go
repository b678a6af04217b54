package activelearning

import (
	"activelab/store"
	"context"
)

// CachedVersions returns the ids of the versions whose model (ensemble or
// multi-class) or domain s holds (for the cache tests).
func CachedVersions(s *Service) map[store.ID]bool {
	out := map[store.ID]bool{}
	s.cache.ensembles.addIDs(out)
	s.cache.multis.addIDs(out)
	s.cache.domains.addIDs(out)
	return out
}

// TrainingRows returns the lineage's training data as the next retrain
// would read it: each compound's aggregated target, by compound id.
func TrainingRows(s *Service, ctx context.Context, lineageID store.ID) (map[store.ID]float64, error) {
	vs, err := s.st.ModelVersions(ctx, lineageID)
	if err != nil {
		return nil, err
	}
	root := vs[0]
	p, err := parseParams(root)
	if err != nil {
		return nil, err
	}
	_, _, val, err := s.validation(ctx, s.st, root)
	if err != nil {
		return nil, err
	}
	data, err := s.trainingData(ctx, s.st, root, p, val)
	if err != nil {
		return nil, err
	}
	out := make(map[store.ID]float64, len(data.ids))
	for i, id := range data.ids {
		out[id] = data.y[i]
	}
	return out, nil
}
