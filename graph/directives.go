package graph

import (
	"context"
	"fmt"
	"strings"

	"activelab/auth"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
)

// Directives returns the implementations of the schema's directives, for
// Config.Directives. @public has no runtime part (see RequireAuthentication).
func Directives() DirectiveRoot {
	return DirectiveRoot{HasRole: HasRole}
}

// HasRole implements @hasRole(role): the caller must be authenticated
// (UNAUTHENTICATED) and hold at least role (FORBIDDEN). It is the one place
// where role checks live.
func HasRole(ctx context.Context, _ any, next graphql.Resolver, role store.Role) (any, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !auth.AtLeast(u.Role, role) {
		field := "this field"
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			field = fc.Field.Name
		}
		return nil, fmt.Errorf("%w: %s requires role %s; you are %s", auth.ErrForbidden,
			field, strings.ToUpper(string(role)), strings.ToUpper(string(u.Role)))
	}
	return next(ctx)
}

// Schema returns the executable schema with r's resolvers and the
// directives wired in.
func Schema(r *Resolver) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: r, Directives: Directives()})
}
