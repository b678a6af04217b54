package graph

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"activelab/auth"
	"activelab/events"
	"activelab/ident"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	gqlast "github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// fanoutOp is an operation for operationKey: a document, the operation's
// name and the variables.
type fanoutOp struct {
	query, name string
	vars        map[string]any
}

// operationContext parses and validates op against the schema, as the
// executor does before a subscription starts.
func operationContext(t *testing.T, schema *gqlast.Schema, op fanoutOp) *graphql.OperationContext {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(schema, op.query)
	if errs != nil {
		t.Fatalf("%s: %v", op.query, errs)
	}
	return &graphql.OperationContext{RawQuery: op.query, OperationName: op.name, Doc: doc,
		Operation: doc.Operations.ForName(op.name), Variables: op.vars}
}

// TestOperationKey: two subscriptions share an event's result only when
// their documents, operation names and the variables their selections use
// are the same; variables of the subscription field's own arguments
// (which events arrive) do not matter; a selection reaching a
// caller-dependent field is keyed by the caller too.
func TestOperationKey(t *testing.T) {
	t.Parallel()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	const (
		args     = `subscription($m: ID!, $a: Int) { queueEvents(modelId: $m, afterSeq: $a) { seq type } }`
		level    = `subscription($m: ID!, $l: Float!) { queueEvents(modelId: $m) { seq item { interval(level: $l) { low high } } } }`
		include  = `subscription($m: ID!, $x: Boolean!) { queueEvents(modelId: $m) { seq itemId @include(if: $x) } }`
		inFrag   = `subscription($m: ID!, $x: Boolean!) { queueEvents(modelId: $m) { ...E } } fragment E on QueueEvent { seq itemId @skip(if: $x) }`
		twoOps   = `subscription A($m: ID!) { queueEvents(modelId: $m) { seq } } subscription B($m: ID!) { queueEvents(modelId: $m) { type } }`
		email    = `subscription($m: ID!) { queueEvents(modelId: $m) { item { assignedTo { name email } } } }`
		emailFr  = `subscription($m: ID!) { queueEvents(modelId: $m) { item { assignedTo { ...U } } } } fragment U on User { id email }`
		noEmail  = `subscription($m: ID!) { queueEvents(modelId: $m) { item { assignedTo { id name } } } }`
		rootSkip = `subscription($m: ID!, $x: Boolean!) { queueEvents(modelId: $m) @skip(if: $x) { seq } }`
	)
	m1 := map[string]any{"m": "0193a0f4-0000-7000-8000-000000000001"}
	m2 := map[string]any{"m": "0193a0f4-0000-7000-8000-000000000002"}
	with := func(base map[string]any, k string, v any) map[string]any {
		out := map[string]any{k: v}
		for bk, bv := range base {
			out[bk] = bv
		}
		return out
	}
	tests := []struct {
		name  string
		a, b  fanoutOp
		share bool
	}{
		{"same document and variables", fanoutOp{args, "", with(m1, "a", nil)}, fanoutOp{args, "", with(m1, "a", nil)}, true},
		{"root arguments differ (modelId, afterSeq)", fanoutOp{args, "", with(m1, "a", nil)}, fanoutOp{args, "", with(m2, "a", 41)}, true},
		{"a field argument's variable differs", fanoutOp{level, "", with(m1, "l", 0.5)}, fanoutOp{level, "", with(m1, "l", 0.9)}, false},
		{"a field argument's variable is the same", fanoutOp{level, "", with(m1, "l", 0.5)}, fanoutOp{level, "", with(m2, "l", 0.5)}, true},
		{"a directive's variable differs", fanoutOp{include, "", with(m1, "x", true)}, fanoutOp{include, "", with(m1, "x", false)}, false},
		{"a directive's variable in a fragment differs", fanoutOp{inFrag, "", with(m1, "x", true)}, fanoutOp{inFrag, "", with(m1, "x", false)}, false},
		{"the subscription field's directive differs", fanoutOp{rootSkip, "", with(m1, "x", true)}, fanoutOp{rootSkip, "", with(m1, "x", false)}, false},
		{"documents differ", fanoutOp{args, "", with(m1, "a", nil)}, fanoutOp{args + " ", "", with(m1, "a", nil)}, false},
		{"operation names differ", fanoutOp{twoOps, "A", m1}, fanoutOp{twoOps, "B", m1}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, _, oka := operationKey(operationContext(t, schema, tc.a))
			kb, _, okb := operationKey(operationContext(t, schema, tc.b))
			if !oka || !okb {
				t.Fatalf("not keyed: %v %v", oka, okb)
			}
			if got := ka == kb; got != tc.share {
				t.Fatalf("same key = %v, want %v", got, tc.share)
			}
		})
	}

	for _, tc := range []struct {
		name, query string
		want        bool
	}{
		{"User.email selected", email, true},
		{"User.email in a fragment", emailFr, true},
		{"no caller-dependent field", noEmail, false},
		{"event fields only", args, false},
	} {
		t.Run("caller dependent/"+tc.name, func(t *testing.T) {
			vars := with(m1, "a", nil)
			_, got, ok := operationKey(operationContext(t, schema, fanoutOp{tc.query, "", vars}))
			if !ok || got != tc.want {
				t.Fatalf("caller dependent = %v (keyed %v), want %v", got, ok, tc.want)
			}
		})
	}
}

// callerReaders are the auth functions that read who asks.
var callerReaders = map[string]bool{"auth.UserFrom": true, "auth.PrincipalFrom": true, "auth.Require": true,
	"auth.Unauthenticated": true, "auth.ClientAddrFrom": true}

// TestCallerDependentFieldsListed: every resolver of an object field
// (not Query, Mutation or Subscription) that reads the caller, itself or
// through a function of this package it calls, is in
// CallerDependentFields, so Fanout never shares its result between users.
// The package's functions are matched by name, which can only find more.
func TestCallerDependentFieldsListed(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// Functions are keyed by name, methods by "Type.name". A selector
	// x.f may call the function f, the root Resolver's method f (every
	// resolver embeds it) or a method f of a helper type; other
	// resolvers' methods are called by gqlgen only.
	calls := map[string][]string{} // function or method -> what it may call
	methodsNamed := map[string][]string{}
	type method struct{ recv, name string }
	var resolvers []method
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") || path == "generated.go" {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			key := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				typ := fd.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if ix, ok := typ.(*ast.IndexExpr); ok { // generic receiver
					typ = ix.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					key = id.Name + "." + fd.Name.Name
					if strings.HasSuffix(id.Name, "Resolver") && id.Name != "Resolver" {
						resolvers = append(resolvers, method{strings.TrimSuffix(id.Name, "Resolver"), fd.Name.Name})
					} else {
						methodsNamed[fd.Name.Name] = append(methodsNamed[fd.Name.Name], key)
					}
				}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					if x, ok := n.X.(*ast.Ident); ok && x.Name == "auth" {
						calls[key] = append(calls[key], "auth."+n.Sel.Name)
					} else {
						calls[key] = append(calls[key], "."+n.Sel.Name)
					}
				case *ast.Ident:
					calls[key] = append(calls[key], n.Name)
				}
				return true
			})
		}
	}
	targets := func(call string) []string {
		if name, ok := strings.CutPrefix(call, "."); ok {
			return append([]string{name}, methodsNamed[name]...)
		}
		return []string{call}
	}
	memo := map[string]bool{}
	var reads func(name string, path map[string]bool) bool
	reads = func(name string, path map[string]bool) bool {
		if callerReaders[name] {
			return true
		}
		if v, ok := memo[name]; ok {
			return v
		}
		if path[name] {
			return false
		}
		path[name] = true
		defer delete(path, name)
		for _, c := range calls[name] {
			for _, target := range targets(c) {
				if reads(target, path) {
					memo[name] = true
					return true
				}
			}
		}
		memo[name] = false
		return false
	}
	found := map[string]bool{}
	for _, m := range resolvers {
		switch m.recv {
		case "query", "mutation", "subscription":
			continue
		}
		if !reads(m.recv+"Resolver."+m.name, map[string]bool{}) {
			continue
		}
		field := upperFirst(m.recv) + "." + lowerFirst(m.name)
		found[field] = true
		if !CallerDependentFields[field] {
			t.Errorf("%s reads the caller: add it to CallerDependentFields (graph/fanout.go)", field)
		}
	}
	t.Logf("object fields whose resolvers read the caller: %v", found)
	if !found["User.email"] {
		t.Fatalf("the scan did not find User.email's resolver reading the caller (found %v): the test is broken", found)
	}
}

func upperFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func lowerFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// fanoutEvent is a converted event as a subscription's channel carries it.
type fanoutEvent struct{ n int }

// fanoutSubscriber is one subscription under a Fanout, driven as gqlgen
// drives it: InterceptOperation, the resolver connecting its channel to
// the tap, then one InterceptResponse per event, whose next reads
// gqlgen's channel and "executes" the event into a buffer reused for the
// next one (as the executor does).
type fanoutSubscriber struct {
	ctx      context.Context
	cancel   context.CancelFunc
	in       chan *fanoutEvent
	out      <-chan *fanoutEvent
	buf      []byte
	executed int
	errs     bool // execution reports an error
	gate     chan struct{}
}

func newFanoutSubscriber(t *testing.T, f *Fanout, oc *graphql.OperationContext, u *store.User) *fanoutSubscriber {
	t.Helper()
	s := &fanoutSubscriber{in: make(chan *fanoutEvent, 8)}
	ctx, cancel := context.WithCancel(auth.WithPrincipal(context.Background(), &auth.Principal{User: u}))
	t.Cleanup(cancel)
	s.cancel = cancel
	ctx = graphql.WithOperationContext(ctx, oc)
	f.InterceptOperation(ctx, func(ctx context.Context) graphql.ResponseHandler {
		s.ctx = ctx
		s.out = tapped(ctx, (<-chan *fanoutEvent)(s.in))
		return nil
	})
	if s.out == (<-chan *fanoutEvent)(s.in) {
		t.Fatal("a subscription under a Fanout is not tapped")
	}
	return s
}

// next is one response, as the executor gives it.
func (s *fanoutSubscriber) next(f *Fanout) *graphql.Response {
	return f.InterceptResponse(s.ctx, func(ctx context.Context) *graphql.Response {
		v, ok := <-s.out
		if !ok {
			return nil
		}
		if s.gate != nil {
			<-s.gate
		}
		s.executed++
		s.buf = fmt.Appendf(s.buf[:0], `{"queueEvents":{"n":%d}}`, v.n)
		resp := &graphql.Response{Data: s.buf}
		if s.errs {
			resp.Errors = gqlerror.List{{Message: "boom"}}
		}
		return resp
	})
}

// TestFanoutInterceptResponse: the first subscriber of an event executes
// it, the others with its key get its response without executing; a
// response with errors is not shared; another role executes for itself;
// a subscriber waiting for the first gets the result once it is ready,
// or nothing when its context ends; the end of a subscription's stream
// ends gqlgen's.
func TestFanoutInterceptResponse(t *testing.T) {
	t.Parallel()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	oc := operationContext(t, schema, fanoutOp{`subscription($m: ID!) { queueEvents(modelId: $m) { seq } }`, "",
		map[string]any{"m": "0193a0f4-0000-7000-8000-000000000001"}})
	viewer := &store.User{ID: ident.New(), Role: store.RoleViewer}
	admin := &store.User{ID: ident.New(), Role: store.RoleAdmin}
	f := NewFanout()
	a, b, c := newFanoutSubscriber(t, f, oc, viewer), newFanoutSubscriber(t, f, oc, viewer), newFanoutSubscriber(t, f, oc, admin)
	send := func(e *fanoutEvent, subs ...*fanoutSubscriber) {
		for _, s := range subs {
			s.in <- e
		}
	}
	data := func(s *fanoutSubscriber) string {
		t.Helper()
		resp := s.next(f)
		if resp == nil {
			t.Fatal("no response")
		}
		return string(resp.Data)
	}

	e1, e2, e3 := &fanoutEvent{1}, &fanoutEvent{2}, &fanoutEvent{3}
	send(e1, a, b, c)
	if got := data(a); got != `{"queueEvents":{"n":1}}` {
		t.Fatalf("a: %s", got)
	}
	send(e2, a)
	_ = data(a) // a's executor reuses its buffer for the next event
	if got := data(b); got != `{"queueEvents":{"n":1}}` || b.executed != 0 {
		t.Fatalf("b got %s after %d executions, want e1's result shared", got, b.executed)
	}
	if got := data(c); got != `{"queueEvents":{"n":1}}` || c.executed != 1 {
		t.Fatalf("admin got %s after %d executions, want its own execution", got, c.executed)
	}
	if ex, sh := f.Stats(); ex != 3 || sh != 1 {
		t.Fatalf("stats %d executed, %d shared; want 3, 1", ex, sh)
	}

	// e2 was executed by a: b waits for nothing.
	send(e2, b)
	if got := data(b); got != `{"queueEvents":{"n":2}}` || b.executed != 0 {
		t.Fatalf("b got %s after %d executions", got, b.executed)
	}

	// A response with errors is not shared.
	a.errs = true
	send(e3, a, b)
	_ = data(a)
	if got := data(b); got != `{"queueEvents":{"n":3}}` || b.executed != 1 {
		t.Fatalf("after a's error b got %s after %d executions, want its own", got, b.executed)
	}
	a.errs = false

	// A subscriber of an event being executed waits for the result.
	e4 := &fanoutEvent{4}
	a.gate = make(chan struct{})
	send(e4, a, b)
	done := make(chan string)
	target := f.executed.Load() + 1
	go func() { done <- string(a.next(f).Data) }()
	for f.executed.Load() != target { // a is executing e4
		runtime.Gosched()
	}
	got := make(chan *graphql.Response)
	go func() { got <- b.next(f) }()
	select {
	case r := <-got:
		t.Fatalf("b got %v before a's execution ended", r)
	case <-time.After(20 * time.Millisecond):
	}
	close(a.gate)
	if r := <-got; r == nil || string(r.Data) != `{"queueEvents":{"n":4}}` || b.executed != 1 {
		t.Fatalf("b got %v after %d executions, want a's result", r, b.executed)
	}
	<-done
	a.gate = nil

	// ... or for its context to end.
	e5 := &fanoutEvent{5}
	a.gate = make(chan struct{})
	send(e5, a, b)
	target = f.executed.Load() + 1
	go func() { done <- string(a.next(f).Data) }()
	for f.executed.Load() != target {
		runtime.Gosched()
	}
	go func() { got <- b.next(f) }()
	b.cancel()
	if r := <-got; r != nil {
		t.Fatalf("b's context ended, yet it got %s", r.Data)
	}
	close(a.gate)
	<-done

	// The end of the stream ends gqlgen's.
	close(c.in)
	if r := c.next(f); r != nil {
		t.Fatalf("after the stream ended: %s", r.Data)
	}
	if _, ok := <-c.out; ok {
		t.Fatal("gqlgen's channel is still open after the stream ended")
	}
}

// TestLastLoaded: the subscribers of cycleUpdated share the value loaded
// for an event; a failed load (nil) is not remembered, so the next
// subscriber of the same event loads again, and a new event loads anew.
func TestLastLoaded(t *testing.T) {
	var m lastLoaded[int]
	e1, e2 := &events.Event{Seq: 1}, &events.Event{Seq: 2}
	loads := 0
	load := func(v *int) func() *int { return func() *int { loads++; return v } }
	one, two := 1, 2
	if v := m.get(e1, load(nil)); v != nil || loads != 1 {
		t.Fatalf("failed load: %v after %d loads", v, loads)
	}
	if v := m.get(e1, load(&one)); v != &one || loads != 2 {
		t.Fatalf("after a failed load: %v after %d loads, want a second load", v, loads)
	}
	if v := m.get(e1, load(&two)); v != &one || loads != 2 {
		t.Fatalf("same event: %v after %d loads, want the shared value and no load", v, loads)
	}
	if v := m.get(e2, load(&two)); v != &two || loads != 3 {
		t.Fatalf("next event: %v after %d loads", v, loads)
	}
}
