package server

import (
	"io"
	"net/http"

	"activelab/auth"
	"activelab/graph"
)

// schema serves GET /graphql/schema.graphql: the GraphQL schema in SDL
// (graph.SDL, what `activelab schema` prints) for client code generators,
// to any signed-in user (session cookie or Bearer token); anyone else gets
// 401, as from the API itself.
func (s *Server) schema() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, ok := s.authenticate(w, r, Logger(r.Context(), s.log))
		if !ok {
			return
		}
		if _, err := auth.Require(ctx); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		io.WriteString(w, graph.SDL())
	})
}
