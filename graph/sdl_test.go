package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestSDL: the printed schema parses back (gqlparser, as a client's code
// generator would) into the schema the server executes: the same types,
// each with the same fields and arguments, enum values and descriptions.
func TestSDL(t *testing.T) {
	t.Parallel()
	text := SDL()
	back, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: text})
	if err != nil {
		t.Fatalf("the SDL does not parse: %v", err)
	}
	served := NewExecutableSchema(Config{}).Schema()
	n := 0
	for name, def := range served.Types {
		if def.BuiltIn {
			continue
		}
		n++
		got := back.Types[name]
		if got == nil {
			t.Errorf("type %s is missing", name)
			continue
		}
		if got.Kind != def.Kind || got.Description != def.Description {
			t.Errorf("type %s: %s %q, served %s %q", name, got.Kind, got.Description, def.Kind, def.Description)
		}
		if a, b := names(got), names(def); !slices.Equal(a, b) {
			t.Errorf("type %s: fields or values %v, served %v", name, a, b)
		}
	}
	for _, want := range []string{"type Query", "predict(", "input ImportCompoundsInput"} {
		if !strings.Contains(text, want) {
			t.Errorf("the SDL has no %q", want)
		}
	}
	if n < 50 {
		t.Fatalf("only %d types", n)
	}
}

// names lists a type's fields with their arguments, or its enum values.
func names(d *ast.Definition) []string {
	var out []string
	for _, f := range d.Fields {
		s := f.Name + ":" + f.Type.String()
		for _, a := range f.Arguments {
			s += "," + a.Name + ":" + a.Type.String()
		}
		out = append(out, s)
	}
	for _, v := range d.EnumValues {
		out = append(out, v.Name)
	}
	return out
}
