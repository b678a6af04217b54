package tracing_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// TestJobMiddleware: enqueuing inside a sampled trace writes its
// traceparent into each job's metadata, keeping what is there; outside
// one, or unsampled, the metadata is left alone. Working the job makes a
// consumer span under the enqueuing span with the job's attributes; a
// failed attempt is an error, a snooze is not.
func TestJobMiddleware(t *testing.T) {
	p, exp := inMemory(t)
	mw := p.JobMiddleware()
	ins := mw.(rivertype.JobInsertMiddleware)
	work := mw.(rivertype.WorkerMiddleware)
	insert := func(ctx context.Context, metas ...string) []*rivertype.JobInsertParams {
		t.Helper()
		params := make([]*rivertype.JobInsertParams, len(metas))
		for i, m := range metas {
			params[i] = &rivertype.JobInsertParams{Kind: "retrain_model", Metadata: []byte(m)}
		}
		called := false
		_, err := ins.InsertMany(ctx, params, func(context.Context) ([]*rivertype.JobInsertResult, error) {
			called = true
			return nil, nil
		})
		if err != nil || !called {
			t.Fatalf("InsertMany: %v, inner called %v", err, called)
		}
		return params
	}

	// Outside a trace, and in an unsampled one: untouched.
	if got := insert(context.Background(), `{"a":1}`); string(got[0].Metadata) != `{"a":1}` {
		t.Errorf("outside a trace, metadata %s", got[0].Metadata)
	}
	unsampled := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}}))
	if got := insert(unsampled, ""); len(got[0].Metadata) != 0 {
		t.Errorf("unsampled trace, metadata %s", got[0].Metadata)
	}

	ctx, enqueuer := p.TracerProvider().Tracer("test").Start(context.Background(), "mutation RetrainModel")
	params := insert(ctx, `{"a":1}`, "", "{}", `[1]`)
	enqueuer.End()
	want := "00-" + enqueuer.SpanContext().TraceID().String() + "-" + enqueuer.SpanContext().SpanID().String() + "-01"
	for i, prm := range params[:3] {
		var m map[string]any
		if err := json.Unmarshal(prm.Metadata, &m); err != nil || m["traceparent"] != want {
			t.Errorf("job %d metadata %s, want traceparent %s", i, prm.Metadata, want)
		}
	}
	if m := map[string]any{}; json.Unmarshal(params[0].Metadata, &m) != nil || m["a"] != float64(1) {
		t.Errorf("existing metadata lost: %s", params[0].Metadata)
	}
	if string(params[3].Metadata) != `[1]` {
		t.Errorf("metadata that is not an object changed: %s", params[3].Metadata)
	}

	cases := []struct {
		name      string
		meta      []byte
		err       error
		wantChild bool
		wantError bool
		cancelled bool // an admin cancelled it: River ends its context with ErrJobCancelledRemotely
	}{
		{"enqueued in a trace", params[0].Metadata, nil, true, false, false},
		{"enqueued outside", []byte(`{"a":1}`), nil, false, false, false},
		{"no metadata", nil, nil, false, false, false},
		{"fails", params[1].Metadata, errors.New("training diverged"), true, true, false},
		{"snoozed", params[2].Metadata, river.JobSnooze(0), true, false, false},
		{"cancelled by an admin", params[2].Metadata, context.Canceled, true, false, true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			exp.Reset()
			job := &rivertype.JobRow{ID: int64(100 + i), Kind: "retrain_model", Queue: "training", Attempt: 2, Metadata: tc.meta}
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			if tc.cancelled {
				cancel(river.ErrJobCancelledRemotely)
			}
			err := work.Work(ctx, job, func(ctx context.Context) error {
				if !trace.SpanContextFromContext(ctx).IsValid() {
					t.Error("the job's context has no span")
				}
				return tc.err
			})
			if !errors.Is(err, tc.err) {
				t.Errorf("Work = %v, want the job's own %v", err, tc.err)
			}
			spans := exp.GetSpans()
			if len(spans) != 1 {
				t.Fatalf("%d spans, want 1", len(spans))
			}
			s := spans[0]
			a := attrs(s)
			if s.Name != "job retrain_model" || s.SpanKind != trace.SpanKindConsumer || a["river.job.kind"] != "retrain_model" ||
				a["messaging.message.id"] != strconv.FormatInt(job.ID, 10) || a["river.job.attempt"] != "2" || a["river.job.queue"] != "training" {
				t.Errorf("span %q kind %v attributes %v", s.Name, s.SpanKind, a)
			}
			child := s.Parent.SpanID() == enqueuer.SpanContext().SpanID() && s.SpanContext.TraceID() == enqueuer.SpanContext().TraceID()
			if child != tc.wantChild || (!tc.wantChild && s.Parent.IsValid()) {
				t.Errorf("span parent %s (trace %s), want child of the enqueuer: %v", s.Parent.SpanID(), s.SpanContext.TraceID(), tc.wantChild)
			}
			if (s.Status.Code == codes.Error) != tc.wantError {
				t.Errorf("status %v, want error %v", s.Status, tc.wantError)
			}
			if tc.cancelled && a["river.job.outcome"] != "cancelled" {
				t.Errorf("outcome %q, want cancelled", a["river.job.outcome"])
			}
		})
	}
}
