package tracing_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// TestHTTP: one server span per request, named by the route the mux
// matched, with its method, route, path and status; an incoming
// traceparent is continued and the response names the request's span;
// the untraced paths pass through without one.
func TestHTTP(t *testing.T) {
	p, exp := inMemory(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !trace.SpanContextFromContext(r.Context()).IsValid() {
			t.Error("the handler's context has no span")
		}
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/quiet", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if trace.SpanContextFromContext(r.Context()).IsValid() {
			t.Error("an untraced path's handler has a span")
		}
	})
	h := p.HTTP(mux, "/healthz", "/metrics")

	const (
		traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
		parent  = "00f067aa0ba902b7"
	)
	cases := []struct {
		name, method, path, traceparent string
		wantSpan, wantRoute             string
		wantStatus                      int
		wantError                       bool
	}{
		{"continued", "GET", "/things/42", "00-" + traceID + "-" + parent + "-01", "GET /things/{id}", "/things/{id}", 201, false},
		{"new trace", "GET", "/things/7", "", "GET /things/{id}", "/things/{id}", 201, false},
		{"server error", "POST", "/boom", "", "POST /boom", "/boom", 500, true},
		{"implicit 200", "GET", "/quiet", "", "GET /quiet", "/quiet", 200, false},
		{"no route", "GET", "/nowhere", "", "GET", "", 404, false},
		{"malformed traceparent", "GET", "/quiet", "00-zz-yy-01", "GET /quiet", "/quiet", 200, false},
	}
	t.Run("untraced path", func(t *testing.T) {
		exp.Reset()
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("traceparent", "00-"+traceID+"-"+parent+"-01")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if n := len(exp.GetSpans()); n != 0 || rec.Header().Get("traceparent") != "" || rec.Code != 200 {
			t.Errorf("/healthz: %d spans, traceparent %q, status %d; want none, none, 200", n, rec.Header().Get("traceparent"), rec.Code)
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			exp.Reset()
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.traceparent != "" {
				req.Header.Set("traceparent", tc.traceparent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			spans := exp.GetSpans()
			if len(spans) != 1 {
				t.Fatalf("%d spans, want 1", len(spans))
			}
			s := spans[0]
			if s.Name != tc.wantSpan || s.SpanKind != trace.SpanKindServer {
				t.Errorf("span %q (%v), want %q (server)", s.Name, s.SpanKind, tc.wantSpan)
			}
			a := attrs(s)
			if a["http.request.method"] != tc.method || a["url.path"] != tc.path || a["http.route"] != tc.wantRoute {
				t.Errorf("attributes %v: want method %s, path %s, route %q", a, tc.method, tc.path, tc.wantRoute)
			}
			if got := s.Attributes; a["http.response.status_code"] != strconv.Itoa(tc.wantStatus) {
				t.Errorf("status code attribute %v, want %d", got, tc.wantStatus)
			}
			if (s.Status.Code == codes.Error) != tc.wantError {
				t.Errorf("span status %v, want error %v", s.Status, tc.wantError)
			}
			sc := s.SpanContext
			if tc.name == "continued" {
				if sc.TraceID().String() != traceID || s.Parent.SpanID().String() != parent || !s.Parent.IsRemote() {
					t.Errorf("span trace %s parent %s, want the incoming %s / %s", sc.TraceID(), s.Parent.SpanID(), traceID, parent)
				}
			} else if s.Parent.IsValid() {
				t.Errorf("span has parent %s, want a new trace", s.Parent.SpanID())
			}
			want := "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01"
			if got := rec.Header().Get("traceparent"); got != want {
				t.Errorf("response traceparent %q, want %q", got, want)
			}
		})
	}
}
