package graph

import (
	"context"

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
// (UNAUTHENTICATED otherwise). The role itself is documentation for
// clients: the service method behind the field enforces it with
// auth.RequireRole, the one role check (FORBIDDEN, "<operation> requires
// role <ROLE>; you are <ROLE>"), so the rule holds for every caller of the
// service (the API, the CLI, jobs), not only for this schema.
// server's TestSchemaRolesEnforcedByService checks that each field's
// documented role is the one its service enforces.
func HasRole(ctx context.Context, _ any, next graphql.Resolver, _ store.Role) (any, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	return next(ctx)
}

// Schema returns the executable schema with r's resolvers and the
// directives wired in.
func Schema(r *Resolver) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: r, Directives: Directives()})
}
