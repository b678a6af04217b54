package server

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DepthLimitExceeded is the extensions.code of an operation nested deeper
// than Config.DepthLimit.
const DepthLimitExceeded = "DEPTH_LIMIT_EXCEEDED"

// ComplexityLimitExceeded is gqlgen's extensions.code for an operation over
// Config.ComplexityLimit.
const ComplexityLimitExceeded = "COMPLEXITY_LIMIT_EXCEEDED"

func init() {
	// Refused operations are protocol errors, like validation failures: 422
	// over HTTP (gqlgen leaves the complexity code at 200 by default).
	errcode.RegisterErrorType(DepthLimitExceeded, errcode.KindProtocol)
	errcode.RegisterErrorType(ComplexityLimitExceeded, errcode.KindProtocol)
}

// depthLimit refuses operations whose field nesting is deeper than max.
// Fields of introspection (__schema, __type) are not counted, so GraphiQL's
// introspection query passes whatever the limit.
type depthLimit struct{ max int }

var _ graphql.OperationContextMutator = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, map[string]bool{}, d.max+1)
	if depth > d.max {
		err := gqlerror.Errorf("operation is nested %d levels deep, which exceeds the limit of %d", depth, d.max)
		errcode.Set(err, DepthLimitExceeded)
		return err
	}
	return nil
}

// selectionDepth returns the depth of set, stopping early once it passes
// stop. visiting guards against fragment cycles (validation rejects them,
// but this check must not depend on rule order).
func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, visiting map[string]bool, stop int) int {
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1
			if len(s.SelectionSet) > 0 && stop > 1 {
				d += selectionDepth(s.SelectionSet, frags, visiting, stop-1)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, visiting, stop)
		case *ast.FragmentSpread:
			if visiting[s.Name] {
				continue
			}
			f := frags.ForName(s.Name)
			if f == nil {
				continue
			}
			visiting[s.Name] = true
			d = selectionDepth(f.SelectionSet, frags, visiting, stop)
			delete(visiting, s.Name)
		}
		if d > deepest {
			deepest = d
			if deepest >= stop {
				return deepest
			}
		}
	}
	return deepest
}
