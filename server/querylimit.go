package server

import (
	"context"
	"fmt"
	"sync/atomic"

	"activelab/auth"
	"activelab/graph"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// QueryTooLarge is the extensions.code of a document over one of the
// pre-validation limits (Config.MaxTokens, MaxFields, MaxAliases). It is a
// protocol error, like a validation failure.
const QueryTooLarge = "QUERY_TOO_LARGE"

// anonymousMaxTokens caps the document of a caller without credentials:
// the only operation open to it is login, which takes a few dozen tokens.
const anonymousMaxTokens = 500

func init() {
	errcode.RegisterErrorType(QueryTooLarge, errcode.KindProtocol)
}

// queryGuard bounds the work a request can cause before gqlgen parses and
// validates its document (validation is quadratic in repeated fields:
// 20,000 `email` selections took 28 s). It runs as an operation-parameter
// mutator, the one hook before parsing:
//
//  1. One pass of gqlparser's lexer counts tokens, selections and aliases
//     and stops at the first limit passed (QUERY_TOO_LARGE naming it).
//     Anonymous callers get anonymousMaxTokens tokens, and UNAUTHENTICATED.
//  2. For an anonymous caller the document is parsed (linear, bounded by
//     the token cap) and refused as UNAUTHENTICATED unless every root
//     field is @public (login), by graph.RequireAuthentication itself, so
//     validation never runs for an operation a stranger may not make.
//
// The limits also bind authenticated callers (--max-tokens, --max-fields,
// --max-aliases); gqlgen's parser token limit is set to the same value.
type queryGuard struct {
	maxTokens, maxFields, maxAliases int

	gate *graph.RequireAuthentication

	// refused counts documents refused here, before validation.
	refused atomic.Int64
}

var _ graphql.OperationParameterMutator = (*queryGuard)(nil)

func (*queryGuard) ExtensionName() string { return "QueryGuard" }

func (g *queryGuard) Validate(es graphql.ExecutableSchema) error {
	g.gate = &graph.RequireAuthentication{}
	return g.gate.Validate(es)
}

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (g *queryGuard) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	anonymous := auth.UserFrom(ctx) == nil
	maxTokens := g.maxTokens
	if anonymous && maxTokens > anonymousMaxTokens {
		maxTokens = anonymousMaxTokens
	}
	if err := countDocument(p.Query, maxTokens, g.maxFields, g.maxAliases); err != nil {
		g.refused.Add(1)
		if anonymous {
			// Whatever it asks, a stranger may only log in.
			cause := auth.Unauthenticated(ctx)
			return &gqlerror.Error{Message: cause.Error() + " (" + err.Message + ")", Err: cause,
				Extensions: map[string]any{"code": CodeUnauthenticated}}
		}
		return err
	}
	if !anonymous || p.Query == "" {
		return nil
	}
	doc, perr := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, maxTokens)
	if perr != nil {
		return nil // gqlgen reports the parse error, as for anyone
	}
	op := doc.Operations.ForName(p.OperationName)
	if op == nil {
		return nil // gqlgen reports it
	}
	oc := &graphql.OperationContext{Doc: doc, Operation: op}
	if err := g.gate.MutateOperationContext(ctx, oc); err != nil {
		g.refused.Add(1)
		return err
	}
	return nil
}

// documentCounts is what countDocument found.
type documentCounts struct{ tokens, fields, aliases int }

// countDocument lexes query once and refuses it as soon as it has more
// than maxTokens tokens, maxFields selections or maxAliases aliases. A
// selection is a name inside a selection set (braces, outside argument
// parentheses) that is not a directive, an alias or a type condition; a
// fragment spread counts as one, so it may over-count a little; it never
// under-counts (FuzzScanDocument). A lexing error is left to the parser,
// which reports it with its position.
func countDocument(query string, maxTokens, maxFields, maxAliases int) *gqlerror.Error {
	switch _, over := scanDocument(query, maxTokens, maxFields, maxAliases); over {
	case "":
		return nil
	case "tokens":
		return tooLarge(fmt.Sprintf("the document has more than %d tokens", maxTokens), "tokens", maxTokens)
	case "fields":
		return tooLarge(fmt.Sprintf("the document selects more than %d fields", maxFields), "fields", maxFields)
	default:
		return tooLarge(fmt.Sprintf("the document has more than %d aliases", maxAliases), "aliases", maxAliases)
	}
}

func tooLarge(msg, limit string, max int) *gqlerror.Error {
	err := gqlerror.Errorf("%s (the limit of this server; split the operation)", msg)
	errcode.Set(err, QueryTooLarge)
	err.Extensions["limit"] = limit
	err.Extensions["max"] = max
	return err
}

// scanDocument counts until a limit is passed; over names it ("tokens",
// "fields", "aliases") or is "".
func scanDocument(query string, maxTokens, maxFields, maxAliases int) (c documentCounts, over string) {
	lx := lexer.New(&ast.Source{Input: query})
	braces, parens := 0, 0
	var prev lexer.Type
	prevName := false // the previous token was a counted selection name
	typeNext := false // the previous token was the "on" of "... on Type"
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return c, ""
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		c.tokens++
		if c.tokens > maxTokens {
			return c, "tokens"
		}
		counted, on := false, false
		switch tok.Kind {
		case lexer.BraceL:
			if parens == 0 {
				braces++
			}
		case lexer.BraceR:
			if parens == 0 && braces > 0 {
				braces--
			}
		case lexer.ParenL:
			parens++
		case lexer.ParenR:
			if parens > 0 {
				parens--
			}
		case lexer.Colon:
			if parens == 0 && braces > 0 && prevName {
				// "alias: field": the name before was an alias.
				c.fields--
				c.aliases++
				if c.aliases > maxAliases {
					return c, "aliases"
				}
			}
		case lexer.Name:
			on = prev == lexer.Spread && tok.Value == "on"
			if parens == 0 && braces > 0 && prev != lexer.At && !on && !typeNext {
				c.fields++
				counted = true
				if c.fields > maxFields {
					return c, "fields"
				}
			}
		}
		prev, prevName, typeNext = tok.Kind, counted, on
	}
}
