package server

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// stringLimit is the longest value, in characters, of one kind of string
// argument.
type stringLimit struct {
	max  int
	kind string // what the limit is for, in the error message
}

// The limits of string arguments by kind. An argument or input field is
// judged by its name (the same name means the same kind across the
// schema); one not listed gets defaultStringLimit, an ID idLimit. They
// keep every value far below what the database and the chemistry parser
// handle quickly (a 100,000-character search ran 17 s on PostgreSQL).
var stringLimits = func() map[string]stringLimit {
	m := map[string]stringLimit{}
	set := func(l stringLimit, names ...string) {
		for _, n := range names {
			m[n] = l
		}
	}
	set(stringLimit{200, "names"}, "name", "setName", "endpoint", "learner", "kind", "strategy",
		"smilesColumn", "nameColumn", "valueColumn", "column")
	set(stringLimit{254, "email addresses"}, "email")
	set(stringLimit{1024, "passwords"}, "password")
	set(stringLimit{4000, "notes"}, "notes")
	set(stringLimit{1000, "reasons"}, "reason")
	set(stringLimit{500, "search text"}, "search")
	set(stringLimit{2000, "SMILES and SMARTS"}, "substructure", "smiles")
	set(stringLimit{4000, "JSON parameters"}, "params")
	set(stringLimit{200, "cursors"}, "after", "before")
	return m
}()

var (
	defaultStringLimit = stringLimit{1000, "strings"}
	idLimit            = stringLimit{40, "ids"}
)

// argumentGuard checks every argument of an operation before it runs,
// after validation and variable coercion: strings within their kind's
// limit (stringLimits) and free of NUL characters (which PostgreSQL
// refuses), Time values in RFC 3339. A bad value is BAD_USER_INPUT with
// extensions.field (the argument or input field) and, for a length,
// extensions.limit; nothing runs and nothing is logged. The walk follows
// the schema's types, so values given inline and through variables are
// judged alike.
type argumentGuard struct{ schema *ast.Schema }

var _ graphql.OperationContextMutator = (*argumentGuard)(nil)

func (*argumentGuard) ExtensionName() string { return "ArgumentGuard" }

func (g *argumentGuard) Validate(es graphql.ExecutableSchema) error {
	g.schema = es.Schema()
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (g *argumentGuard) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	return g.selections(oc.Operation.SelectionSet, oc, map[string]bool{})
}

func (g *argumentGuard) selections(set ast.SelectionSet, oc *graphql.OperationContext, seen map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				if a.Value == nil || a.Value.ExpectedType == nil {
					continue
				}
				v, err := a.Value.Value(oc.Variables)
				if err != nil {
					continue // validation's business
				}
				if err := g.value(v, a.Value.ExpectedType, a.Name); err != nil {
					return err
				}
			}
			if err := g.selections(s.SelectionSet, oc, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := g.selections(s.SelectionSet, oc, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := oc.Doc.Fragments.ForName(s.Name); f != nil {
				if err := g.selections(f.SelectionSet, oc, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// value checks v, of type t, given as field (argument or input field).
func (g *argumentGuard) value(v any, t *ast.Type, field string) *gqlerror.Error {
	if v == nil || t == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok { // a single value coerced to a list
			return g.value(v, t.Elem, field)
		}
		for _, item := range list {
			if err := g.value(item, t.Elem, field); err != nil {
				return err
			}
		}
		return nil
	}
	def := g.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	if def.Kind == ast.InputObject {
		m, _ := v.(map[string]any)
		for k, fv := range m {
			if fd := def.Fields.ForName(k); fd != nil {
				if err := g.value(fv, fd.Type, k); err != nil {
					return err
				}
			}
		}
		return nil
	}
	s, ok := v.(string)
	if t.NamedType == "Time" && !ok {
		return badInput(field, fmt.Sprintf("%v is not a time: write an RFC 3339 string, for example 2026-12-06T10:00:00Z", v), nil)
	}
	if !ok {
		return nil
	}
	switch t.NamedType {
	case "String":
		l, ok := stringLimits[field]
		if !ok {
			l = defaultStringLimit
		}
		return checkString(field, s, l)
	case "ID":
		return checkString(field, s, idLimit)
	case "Time":
		if strings.IndexByte(s, 0) >= 0 {
			return badInput(field, "contains a NUL character", nil)
		}
		if _, err := graphql.UnmarshalTime(s); err != nil {
			shown := s
			if len(shown) > 40 {
				shown = shown[:40] + "…"
			}
			return badInput(field, fmt.Sprintf("%q is not a time: write RFC 3339, for example 2026-12-06T10:00:00Z", shown), nil)
		}
	}
	return nil
}

func checkString(field, s string, l stringLimit) *gqlerror.Error {
	if len(s) > l.max && utf8.RuneCountInString(s) > l.max {
		return badInput(field, fmt.Sprintf("is longer than %d characters (the limit for %s)", l.max, l.kind),
			map[string]any{"limit": l.max})
	}
	if strings.IndexByte(s, 0) >= 0 {
		return badInput(field, "contains a NUL character", nil)
	}
	return nil
}

func badInput(field, msg string, ext map[string]any) *gqlerror.Error {
	err := &gqlerror.Error{Message: field + ": " + msg, Extensions: map[string]any{"code": CodeBadUserInput, "field": field}}
	for k, v := range ext {
		err.Extensions[k] = v
	}
	return err
}
