package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/graph/scalar"
	"activelab/store"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestErrorPresenter(t *testing.T) {
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	present := errorPresenter(log)
	ctx := context.WithValue(context.Background(), requestIDKey, "req-1")
	ctx = context.WithValue(ctx, loggerKey, log.With("request_id", "req-1"))
	for _, tc := range []struct {
		err      error
		code     string
		message  string
		internal bool
	}{
		{fmt.Errorf("%w: API token revoked", auth.ErrUnauthenticated), CodeUnauthenticated, "authentication required: API token revoked", false},
		{fmt.Errorf("%w: users requires role ADMIN", auth.ErrForbidden), CodeForbidden, "forbidden: users requires role ADMIN", false},
		{&auth.ForbiddenError{Operation: "users", Need: auth.RoleAdmin, Have: auth.RoleViewer}, CodeForbidden, "users requires role ADMIN; you are VIEWER", false},
		{&auth.InputError{Field: "name", Message: "is empty"}, CodeBadUserInput, "name: is empty", false},
		{&scalar.InputError{Msg: `ID "x" is not a valid id`}, CodeBadUserInput, `ID "x" is not a valid id`, false},
		{fmt.Errorf("user 7: %w", store.ErrNotFound), CodeNotFound, "user 7: not found", false},
		{fmt.Errorf("create user %q: %w", "a@b.c", store.ErrConflict), CodeConflict, `create user "a@b.c": conflict`, false},
		{fmt.Errorf("create user: email is empty: %w", store.ErrInvalid), CodeBadUserInput, "create user: email is empty: invalid", false},
		{errors.New("pq: connection reset by peer"), CodeInternal, "internal error", true},
		{&gqlerror.Error{Message: "Cannot query field", Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}, "GRAPHQL_VALIDATION_FAILED", "Cannot query field", false},
	} {
		got := present(ctx, tc.err)
		if got.Extensions["code"] != tc.code || got.Message != tc.message {
			t.Errorf("%v: presented as %q %q, want %q %q", tc.err, got.Extensions["code"], got.Message, tc.code, tc.message)
		}
		if tc.internal && got.Extensions["requestId"] != "req-1" {
			t.Errorf("%v: requestId %v", tc.err, got.Extensions["requestId"])
		}
	}
	// Every input error names its field, whichever package made it.
	for _, err := range []error{
		&auth.InputError{Field: "name", Message: "is empty"},
		fmt.Errorf("submit label for item 3: %w", &activelearning.InputError{Field: "name", Msg: "is empty"}),
	} {
		if got := present(ctx, err); got.Extensions["field"] != "name" || got.Extensions["code"] != CodeBadUserInput {
			t.Errorf("%v: extensions %v, want code BAD_USER_INPUT and field name", err, got.Extensions)
		}
	}
	// A role check's error says which operation needs which role.
	forbidden := present(ctx, &auth.ForbiddenError{Operation: "createModel", Need: auth.RoleAdmin, Have: auth.RoleScientist})
	if forbidden.Extensions["operation"] != "createModel" || forbidden.Extensions["requiredRole"] != "ADMIN" {
		t.Errorf("ForbiddenError: extensions %v, want operation createModel and requiredRole ADMIN", forbidden.Extensions)
	}
	if n := strings.Count(logs.String(), "connection reset by peer"); n != 1 {
		t.Errorf("internal error logged %d times, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), `"request_id":"req-1"`) {
		t.Errorf("the log line lacks the request id: %s", logs.String())
	}
}

func TestIntrospectionNeedsAuthentication(t *testing.T) {
	e := setup(t, openSQLite)
	q := `{ __schema { queryType { name } } }`
	wantError(t, e.post(q, nil, nil), CodeUnauthenticated)
	wantData(t, e.post(q, nil, bearer(e.token(e.user(store.RoleViewer)))), nil)
	// __typename alone is harmless and answers anonymously (health probes of GraphQL clients).
	wantData(t, e.post(`{ __typename }`, nil, nil), nil)
}

// TestSpecificationDefaults: the specification's defaults are visible by
// introspection: batches of 50, retrains after 10 new labels, queue pages
// of 20.
func TestSpecificationDefaults(t *testing.T) {
	e := setup(t, openSQLite)
	var d struct {
		Selection, Retrain struct {
			InputFields []struct{ Name, DefaultValue string }
		}
		Query struct {
			Fields []struct {
				Name string
				Args []struct{ Name, DefaultValue string }
			}
		}
	}
	wantData(t, e.post(`{ selection: __type(name: "SelectionInput") { inputFields { name defaultValue } }
		retrain: __type(name: "TriggerRetrainInput") { inputFields { name defaultValue } }
		query: __type(name: "Query") { fields { name args { name defaultValue } } } }`, nil, bearer(e.token(e.user(store.RoleViewer)))), &d)
	find := func(fields []struct{ Name, DefaultValue string }, name string) string {
		for _, f := range fields {
			if f.Name == name {
				return f.DefaultValue
			}
		}
		return "(absent)"
	}
	if got := find(d.Selection.InputFields, "batchSize"); got != "50" {
		t.Errorf("SelectionInput.batchSize default %s, want 50", got)
	}
	if got := find(d.Retrain.InputFields, "minNewLabels"); got != "10" {
		t.Errorf("TriggerRetrainInput.minNewLabels default %s, want 10", got)
	}
	for _, f := range d.Query.Fields {
		if f.Name == "labelQueue" {
			if got := find(f.Args, "first"); got != "20" {
				t.Errorf("labelQueue(first) default %s, want 20", got)
			}
		}
	}
}
