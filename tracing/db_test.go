package tracing_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"activelab/store"
	"activelab/store/storetest"
)

// TestQueryHook: on each database, a query inside a trace is a client
// span, the child of the caller's span, named and attributed by its
// operation and table, carrying no parameter value; a query that finds no
// row is no error; a query outside any trace makes no span; the caller's
// span is never ended by the hook.
func TestQueryHook(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			p, exp := inMemory(t)
			system := map[string]string{store.DialectSQLite: "sqlite", store.DialectPostgres: "postgresql"}[st.Dialect()]
			st.AddQueryHook(p.QueryHook(system))
			ctx := context.Background()
			const secret = "needle-7f3a@example.test"

			// Outside a trace: no span.
			if _, err := st.UserByEmail(ctx, secret); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("UserByEmail = %v, want ErrNotFound", err)
			}
			if n := len(exp.GetSpans()); n != 0 {
				t.Fatalf("%d spans for a query outside any trace, want 0", n)
			}

			tracer := p.TracerProvider().Tracer("test")
			pctx, parent := tracer.Start(ctx, "operation")
			_, err := st.UserByEmail(pctx, secret)
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("UserByEmail = %v, want ErrNotFound", err)
			}
			u := storetest.User(pctx, t, st, nil)
			if !parent.IsRecording() {
				t.Fatal("the hook ended the caller's span")
			}
			parent.End()

			spans := exp.GetSpans()
			var selects, inserts int
			for _, s := range spans {
				if s.Name == "operation" {
					continue
				}
				a := attrs(s)
				if s.SpanKind != trace.SpanKindClient || s.Parent.SpanID() != parent.SpanContext().SpanID() {
					t.Errorf("%s: kind %v parent %s, want a client span under the operation", s.Name, s.SpanKind, s.Parent.SpanID())
				}
				if a["db.system.name"] != system {
					t.Errorf("%s: db.system.name %q, want %q", s.Name, a["db.system.name"], system)
				}
				for k, v := range a {
					if strings.Contains(v, secret) || strings.Contains(v, u.Email) {
						t.Errorf("%s: attribute %s carries a parameter value: %q", s.Name, k, v)
					}
				}
				if s.Status.Code == codes.Error {
					t.Errorf("%s: error status %v", s.Name, s.Status)
				}
				switch {
				case s.Name == "SELECT users" && a["db.operation.name"] == "SELECT" && a["db.collection.name"] == "users":
					selects++
				case s.Name == "INSERT users" && a["db.operation.name"] == "INSERT" && a["db.collection.name"] == "users":
					inserts++
				}
			}
			if selects != 1 || inserts != 1 {
				var names []string
				for _, s := range spans {
					names = append(names, s.Name+" "+attrs(s)["db.collection.name"])
				}
				t.Errorf("spans %q: want one SELECT users and one INSERT users", names)
			}
		})
	}
}

// TestQueryHookError: a failing query's span has an error status and an
// error.type naming the failure's kind, not its message.
func TestQueryHookError(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			p, exp := inMemory(t)
			st.AddQueryHook(p.QueryHook("test"))
			ctx, parent := p.TracerProvider().Tracer("test").Start(context.Background(), "operation")
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := st.UserByEmail(cctx, "x@example.test"); err == nil {
				t.Fatal("a query on a cancelled context succeeded")
			}
			parent.End()
			var failed int
			for _, s := range exp.GetSpans() {
				if s.Name != "operation" && s.Status.Code == codes.Error && attrs(s)["error.type"] == "context" {
					failed++
				}
			}
			if failed == 0 {
				t.Errorf("no query span with an error status and error.type context among %d spans", len(exp.GetSpans()))
			}
		})
	}
}
