package graph

import (
	"context"

	"activelab/auth"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeUnauthenticated and CodeForbidden are the extensions.code values of
// authentication and authorization errors.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
)

// RequireAuthentication is a gqlgen handler extension that refuses, before
// anything runs, an operation from an anonymous caller unless every root
// field it selects is marked @public in the schema (only `login`) or is
// __typename. Introspection (__schema, __type) also needs authentication:
// the schema is in the repository for tools, and the running server tells
// strangers nothing. Role checks are the services' (auth.RequireRole);
// @hasRole documents them.
type RequireAuthentication struct {
	schema *ast.Schema
}

var (
	_ graphql.HandlerExtension        = (*RequireAuthentication)(nil)
	_ graphql.OperationContextMutator = (*RequireAuthentication)(nil)
)

// ExtensionName implements graphql.HandlerExtension.
func (*RequireAuthentication) ExtensionName() string { return "RequireAuthentication" }

// Validate implements graphql.HandlerExtension; it keeps the schema.
func (a *RequireAuthentication) Validate(es graphql.ExecutableSchema) error {
	a.schema = es.Schema()
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (a *RequireAuthentication) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if auth.UserFrom(ctx) != nil || oc.Operation == nil {
		return nil
	}
	var root *ast.Definition
	switch oc.Operation.Operation {
	case ast.Query:
		root = a.schema.Query
	case ast.Mutation:
		root = a.schema.Mutation
	case ast.Subscription:
		root = a.schema.Subscription
	}
	if root != nil && allPublic(oc.Operation.SelectionSet, root, oc.Doc.Fragments, map[string]bool{}) {
		return nil
	}
	err := auth.Unauthenticated(ctx)
	return &gqlerror.Error{Message: err.Error(), Err: err, Extensions: map[string]any{"code": CodeUnauthenticated}}
}

func allPublic(set ast.SelectionSet, root *ast.Definition, frags ast.FragmentDefinitionList, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			def := root.Fields.ForName(s.Name)
			if def == nil || def.Directives.ForName("public") == nil {
				return false
			}
		case *ast.InlineFragment:
			if !allPublic(s.SelectionSet, root, frags, seen) {
				return false
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			f := frags.ForName(s.Name)
			if f == nil {
				return false
			}
			seen[s.Name] = true
			if !allPublic(f.SelectionSet, root, frags, seen) {
				return false
			}
		}
	}
	return true
}
