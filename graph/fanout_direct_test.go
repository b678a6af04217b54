package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"activelab/auth"
	"activelab/gqlresponse"
	"activelab/ident"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// recordingSink is a gqlresponse.Sink that keeps what it is sent.
type recordingSink struct {
	mu     sync.Mutex
	got    []string
	more   chan struct{} // a signal per Send
	closed bool          // Send refuses, as a closed socket's does
}

func (r *recordingSink) Send(resp *graphql.Response) bool {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return false
	}
	s := string(resp.Data)
	if len(resp.Errors) > 0 {
		s += " (errors)"
	}
	r.got = append(r.got, s)
	r.mu.Unlock()
	r.more <- struct{}{}
	return true
}

func (r *recordingSink) results() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// directSubscriber is a subscription under Fanout's direct delivery,
// driven as the server drives it: InterceptOperation with the
// transport's sink in the context, the resolver's streamDirect offering
// the tap each event (a refused one goes on the channel), and the
// operation's goroutine in InterceptResponse for the stream's life,
// whose next reads gqlgen's channel and "executes" the event.
type directSubscriber struct {
	name     string
	ctx      context.Context
	cancel   context.CancelFunc
	sink     *recordingSink
	offer    func(*fanoutEvent) bool
	in       chan *fanoutEvent
	out      <-chan *fanoutEvent
	executed atomic.Int32
	errs     atomic.Bool   // execution reports an error
	gate     chan struct{} // when set, each execution waits for it
	ended    chan *graphql.Response
}

func newDirectSubscriber(t *testing.T, f *Fanout, oc *graphql.OperationContext, u *store.User, name string, gate chan struct{}) *directSubscriber {
	t.Helper()
	s := &directSubscriber{name: name, sink: &recordingSink{more: make(chan struct{}, 1000)}, in: make(chan *fanoutEvent, 2048),
		gate: gate, ended: make(chan *graphql.Response, 1)}
	ctx, cancel := context.WithCancel(auth.WithPrincipal(context.Background(), &auth.Principal{User: u}))
	t.Cleanup(cancel)
	s.cancel = cancel
	ctx = gqlresponse.WithSink(graphql.WithOperationContext(ctx, oc), s.sink)
	f.InterceptOperation(ctx, func(ctx context.Context) graphql.ResponseHandler {
		s.ctx = ctx
		s.offer = directOffer[fanoutEvent](ctx)
		s.out = tapped(ctx, (<-chan *fanoutEvent)(s.in))
		return nil
	})
	if s.offer == nil {
		t.Fatal("a subscription with a sink is not delivered directly")
	}
	if name == "idle" {
		return s // no goroutine: what it is to execute stays untaken
	}
	var buf []byte
	go func() {
		s.ended <- f.InterceptResponse(s.ctx, func(ctx context.Context) *graphql.Response {
			select {
			case v, ok := <-s.out:
				if !ok {
					return nil
				}
				if s.gate != nil {
					<-s.gate
				}
				s.executed.Add(1)
				buf = fmt.Appendf(buf[:0], `{"n":%d}`, v.n) // reused, as the executor's
				resp := &graphql.Response{Data: buf}
				if s.errs.Load() {
					resp.Errors = gqlerror.List{{Message: "boom"}}
				}
				return resp
			case <-ctx.Done():
				return nil
			}
		})
	}()
	return s
}

// deliver is the broker's delivery of e to subs, in that order.
func deliver(e *fanoutEvent, subs ...*directSubscriber) {
	for _, s := range subs {
		if !s.offer(e) {
			s.in <- e
		}
	}
}

// results are the results of events from..to, as the subscribers'
// executions write them.
func results(from, to int) []string {
	var out []string
	for n := from; n <= to; n++ {
		out = append(out, fmt.Sprintf(`{"n":%d}`, n))
	}
	return out
}

// wantResults waits for s's sink to hold want.
func (s *directSubscriber) wantResults(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		got := s.sink.results()
		if slices.Equal(got, want) {
			return
		}
		if len(got) >= len(want) {
			t.Fatalf("%s was sent %q, want %q", s.name, got, want)
		}
		select {
		case <-s.sink.more:
		case <-deadline:
			t.Fatalf("%s was sent %q after 5 s, want %q", s.name, got, want)
		}
	}
}

// TestFanoutDirect: under direct delivery each event is executed once for
// all subscribers with its key and written to every one, in order; a
// result waits behind an event its subscriber is still executing; a
// result with errors makes the others execute for themselves; a
// subscriber that ends before executing an event it was first for does
// not hold the others up; nothing is written after a subscription ends.
func TestFanoutDirect(t *testing.T) {
	t.Parallel()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	oc := operationContext(t, schema, fanoutOp{`subscription($m: ID!) { queueEvents(modelId: $m) { seq } }`, "",
		map[string]any{"m": "0193a0f4-0000-7000-8000-000000000001"}})
	viewer := &store.User{ID: ident.New(), Role: store.RoleViewer}

	fifty := func(t *testing.T, f *Fanout) []*directSubscriber {
		subs := make([]*directSubscriber, 50)
		for i := range subs {
			subs[i] = newDirectSubscriber(t, f, oc, viewer, fmt.Sprint("s", i), nil)
		}
		return subs
	}

	t.Run("shared", func(t *testing.T) {
		f := NewFanout()
		subs := fifty(t, f)
		for n := 1; n <= 20; n++ {
			deliver(&fanoutEvent{n}, subs...)
			for _, s := range subs {
				s.wantResults(t, results(1, n)...)
			}
		}
		executed := 0
		for _, s := range subs {
			executed += int(s.executed.Load())
		}
		if ex, sh := f.Stats(); executed != 20 || ex != 20 || sh != 20*49 {
			t.Fatalf("%d executions (stats %d executed, %d shared); want 20, 20, %d", executed, ex, sh, 20*49)
		}
	})

	t.Run("burst", func(t *testing.T) {
		// Events delivered faster than they execute: every subscriber
		// still gets every one, in order.
		f := NewFanout()
		subs := fifty(t, f)
		for n := 1; n <= 20; n++ {
			deliver(&fanoutEvent{n}, subs...)
		}
		for _, s := range subs {
			s.wantResults(t, results(1, 20)...)
		}
		ex, sh := f.Stats()
		t.Logf("a burst of 20 events to 50 subscribers: %d executed, %d shared", ex, sh)
		if ex+sh != 20*50 {
			t.Fatalf("%d executed + %d shared, want %d deliveries", ex, sh, 20*50)
		}
	})

	t.Run("behind", func(t *testing.T) {
		// A subscriber still executing an event of its own is not made
		// the one every other subscriber of the next event waits for.
		f := NewFanout()
		gate := make(chan struct{})
		x := newDirectSubscriber(t, f, oc, viewer, "x", gate)
		y := newDirectSubscriber(t, f, oc, viewer, "y", nil)
		deliver(&fanoutEvent{0}, x)    // x executes e0, held at the gate
		deliver(&fanoutEvent{1}, x, y) // x comes first, but is behind
		y.wantResults(t, `{"n":1}`)
		close(gate)
		x.wantResults(t, `{"n":0}`, `{"n":1}`)
	})

	t.Run("in order", func(t *testing.T) {
		f := NewFanout()
		gate := make(chan struct{})
		x := newDirectSubscriber(t, f, oc, viewer, "x", gate)
		y := newDirectSubscriber(t, f, oc, viewer, "y", nil)
		deliver(&fanoutEvent{1}, x, y) // x executes e1, held at the gate
		deliver(&fanoutEvent{2}, y, x) // y executes e2: x must not get it first
		y.wantResults(t)
		time.Sleep(20 * time.Millisecond)
		if got := x.sink.results(); len(got) != 0 {
			t.Fatalf("x was sent %q while executing e1", got)
		}
		close(gate)
		x.wantResults(t, `{"n":1}`, `{"n":2}`)
		y.wantResults(t, `{"n":1}`, `{"n":2}`)
	})

	t.Run("errors", func(t *testing.T) {
		f := NewFanout()
		a := newDirectSubscriber(t, f, oc, viewer, "a", nil)
		b := newDirectSubscriber(t, f, oc, viewer, "b", nil)
		a.errs.Store(true)
		deliver(&fanoutEvent{1}, a, b)
		a.wantResults(t, `{"n":1} (errors)`)
		b.wantResults(t, `{"n":1}`)
		if b.executed.Load() != 1 {
			t.Fatalf("b executed %d times, want its own execution", b.executed.Load())
		}
	})

	t.Run("first ends", func(t *testing.T) {
		f := NewFanout()
		gate := make(chan struct{})
		a := newDirectSubscriber(t, f, oc, viewer, "a", gate)
		b := newDirectSubscriber(t, f, oc, viewer, "b", nil)
		c := newDirectSubscriber(t, f, oc, viewer, "c", nil)
		deliver(&fanoutEvent{1}, a, b) // a takes e1 and waits at the gate
		deliver(&fanoutEvent{2}, a, b) // a is first for e2 and will not take it
		a.cancel()
		close(gate)
		if r := <-a.ended; r != nil {
			t.Fatalf("a's stream ended with %s", r.Data)
		}
		b.wantResults(t, `{"n":1}`, `{"n":2}`)
		deliver(&fanoutEvent{3}, a, b, c)
		b.wantResults(t, `{"n":1}`, `{"n":2}`, `{"n":3}`)
		c.wantResults(t, `{"n":3}`)
		if got := a.sink.results(); len(got) != 0 {
			t.Fatalf("a was sent %q after its subscription ended", got)
		}
	})

	t.Run("long replay", func(t *testing.T) {
		// More events of its own than maxPending (a replay after
		// afterSeq): bounded by the channel, not by the shared-result
		// limit, so the stream does not end.
		f := NewFanout()
		gate := make(chan struct{})
		x := newDirectSubscriber(t, f, oc, viewer, "x", gate)
		for n := 1; n <= maxPending+100; n++ {
			deliver(&fanoutEvent{n}, x)
		}
		close(gate)
		x.wantResults(t, results(1, maxPending+100)...)
	})

	t.Run("socket gone", func(t *testing.T) {
		// A subscriber whose socket is gone does not leave the others
		// waiting for a result it was to make.
		f := NewFanout()
		gate := make(chan struct{})
		a := newDirectSubscriber(t, f, oc, viewer, "idle", nil)
		b := newDirectSubscriber(t, f, oc, viewer, "b", gate)
		a.sink.closed = true
		deliver(&fanoutEvent{1}, b, a) // b executes e1 (held), a waits for it
		deliver(&fanoutEvent{2}, a, b) // a is first for e2 and never takes it; b waits for it
		close(gate)                    // e1's result: a's write fails
		b.wantResults(t, `{"n":1}`, `{"n":2}`)
	})

	t.Run("stream ends", func(t *testing.T) {
		f := NewFanout()
		a := newDirectSubscriber(t, f, oc, viewer, "a", nil)
		deliver(&fanoutEvent{1}, a)
		a.wantResults(t, `{"n":1}`)
		close(a.in)
		if r := <-a.ended; r != nil {
			t.Fatalf("the stream ended with %s", r.Data)
		}
		if _, ok := <-a.out; ok {
			t.Fatal("gqlgen's channel is still open after the stream ended")
		}
	})
}
