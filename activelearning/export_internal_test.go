package activelearning

// CachedVersions returns the ids of the versions whose ensemble or domain
// s holds (for the cache tests).
func CachedVersions(s *Service) map[int64]bool {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	out := map[int64]bool{}
	for k := range s.cache.ensembles {
		out[k.id] = true
	}
	for k := range s.cache.domains {
		out[k.id] = true
	}
	return out
}
