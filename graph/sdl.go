package graph

import (
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/formatter"
)

var sdl = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString("# The ActiveLab GraphQL schema (activelab schema; GET /graphql/schema.graphql).\n\n")
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(NewExecutableSchema(Config{}).Schema())
	return b.String()
})

// SDL returns the schema the server executes in the schema definition
// language: every type, field, argument, enum value and directive with its
// description, as gqlparser's formatter writes them, GraphQL's built-in
// types and directives left out. Code generators read it (`activelab
// schema`, GET /graphql/schema.graphql); introspection answers the same.
func SDL() string { return sdl() }
