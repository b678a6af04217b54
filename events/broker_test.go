package events

import (
	"activelab/ident"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// memSource is an in-memory outbox with the same contract as the store's.
type memSource struct {
	mu  sync.Mutex
	evs []Event
}

func (m *memSource) append(e Event) Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.Seq = int64(len(m.evs) + 1)
	m.evs = append(m.evs, e)
	return e
}

func (m *memSource) EventsAfter(_ context.Context, after int64, limit int) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if after >= int64(len(m.evs)) {
		return nil, nil
	}
	out := m.evs[after:]
	if len(out) > limit {
		out = out[:limit]
	}
	return append([]Event(nil), out...), nil
}

func (m *memSource) LastSeq(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.evs)), nil
}

func startBroker(t *testing.T, src Source, cfg BrokerConfig) *Broker {
	t.Helper()
	if cfg.PollInterval == 0 {
		cfg.PollInterval = -1 // tests wake the broker explicitly
	}
	b := NewBroker(src, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return b
}

func next(t *testing.T, s *Subscription) Event {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if !ok {
			t.Fatalf("subscription closed early: %v", s.Err())
		}
		return *e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return Event{}
}

func TestSubscribeReplaysMissedThenLive(t *testing.T) {
	t.Parallel()
	src := &memSource{}
	for i := 0; i < 5; i++ {
		src.append(Event{Type: "item_labeled", ModelID: m1})
	}
	b := startBroker(t, src, BrokerConfig{BatchSize: 2})
	sub, err := b.Subscribe(context.Background(), Filter{ModelID: m1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	src.append(Event{Type: "item_labeled", ModelID: m1})
	b.Notify()
	for want := int64(3); want <= 6; want++ {
		if got := next(t, sub).Seq; got != want {
			t.Fatalf("seq = %d, want %d", got, want)
		}
	}
}

// TestSubscribeAheadOfTheBroker: a client resuming from a sequence number
// this broker has not reached yet (it saw the events through another
// replica, whose broker was ahead) gets only what comes after it, not the
// events the broker delivers as it catches up.
func TestSubscribeAheadOfTheBroker(t *testing.T) {
	t.Parallel()
	src := &memSource{}
	for range 3 {
		src.append(Event{Type: "item_labeled", ModelID: m1})
	}
	b := startBroker(t, src, BrokerConfig{})
	<-b.ready
	// The broker starts at 3; 4 and 5 are written but not yet read.
	src.append(Event{Type: "item_labeled", ModelID: m1})
	src.append(Event{Type: "item_labeled", ModelID: m1})
	sub, err := b.Subscribe(context.Background(), Filter{ModelID: m1}, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	src.append(Event{Type: "item_labeled", ModelID: m1})
	b.Notify()
	if got := next(t, sub).Seq; got != 6 {
		t.Fatalf("first event %d, want 6 (4 and 5 came before the client's afterSeq)", got)
	}
	// And when the broker caught up meanwhile: the catch-up replay starts
	// after the client's position, not the broker's.
	sub2, err := b.Subscribe(context.Background(), Filter{ModelID: m1}, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer sub2.Close()
	src.append(Event{Type: "item_labeled", ModelID: m1})
	b.Notify()
	for want := int64(6); want <= 7; want++ {
		if got := next(t, sub2).Seq; got != want {
			t.Fatalf("resumed at 5 after the broker reached 6: seq %d, want %d", got, want)
		}
	}
}

func TestSubscribeNegativeAfterSeqStartsLive(t *testing.T) {
	t.Parallel()
	src := &memSource{}
	src.append(Event{Type: "old"})
	b := startBroker(t, src, BrokerConfig{})
	sub, err := b.Subscribe(context.Background(), Filter{}, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	src.append(Event{Type: "new"})
	b.Notify()
	if e := next(t, sub); e.Type != "new" || e.Seq != 2 {
		t.Fatalf("got %+v, want the live event 2", e)
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		f    Filter
		e    Event
		want bool
	}{
		{"zero filter matches all", Filter{}, Event{Type: "x", ModelID: m3}, true},
		{"model mismatch", Filter{ModelID: m1}, Event{ModelID: m2}, false},
		{"cycle match", Filter{CycleID: c7}, Event{CycleID: c7}, true},
		{"type listed", Filter{Types: []string{"a", "b"}}, Event{Type: "b"}, true},
		{"type not listed", Filter{Types: []string{"a"}}, Event{Type: "b"}, false},
	}
	for _, c := range cases {
		if got := c.f.Match(&c.e); got != c.want {
			t.Errorf("%s: Match = %v, want %v", c.name, got, c.want)
		}
	}
}

// Events committed while subscribers connect and reconnect reach each of
// them exactly once and in order.
func TestConcurrentPublishNoGapNoDuplicate(t *testing.T) {
	t.Parallel()
	const total = 2000
	src := &memSource{}
	b := startBroker(t, src, BrokerConfig{BatchSize: 64, Buffer: total})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for s := 0; s < 8; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each subscriber starts from 0 at a random moment: replay and
			// live delivery must join seamlessly.
			sub, err := b.Subscribe(context.Background(), Filter{}, 0)
			if err != nil {
				errs <- err
				return
			}
			defer sub.Close()
			for want := int64(1); want <= total; want++ {
				select {
				case e, ok := <-sub.C:
					if !ok {
						errs <- sub.Err()
						return
					}
					if e.Seq != want {
						errs <- errors.New("out of order or duplicate")
						return
					}
				case <-time.After(10 * time.Second):
					errs <- errors.New("timeout")
					return
				}
			}
		}()
	}
	for i := 0; i < total; i++ {
		src.append(Event{Type: "t"})
		b.Notify()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestSlowSubscriberIsEnded(t *testing.T) {
	t.Parallel()
	src := &memSource{}
	b := startBroker(t, src, BrokerConfig{Buffer: 2})
	sub, err := b.Subscribe(context.Background(), Filter{}, -1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		src.append(Event{Type: "t"})
	}
	b.Notify()
	deadline := time.Now().Add(5 * time.Second)
	for sub.Err() == nil && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond) // not reading: let the buffer overflow
	}
	n := 0
	for range sub.C {
		n++
	}
	if n != 2 {
		t.Errorf("received %d events before the end, want the buffer's 2", n)
	}
	if !errors.Is(sub.Err(), ErrSlowSubscriber) {
		t.Errorf("Err = %v, want ErrSlowSubscriber", sub.Err())
	}
}

func TestSubscriptionEndsWithContext(t *testing.T) {
	t.Parallel()
	b := startBroker(t, &memSource{}, BrokerConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	sub, err := b.Subscribe(ctx, Filter{}, -1)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case _, ok := <-sub.C:
		if ok {
			t.Fatal("unexpected event")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscription not closed after cancel")
	}
	if sub.Err() != nil {
		t.Errorf("Err = %v, want nil after cancel", sub.Err())
	}
}

func TestSubscribeAfterCloseFails(t *testing.T) {
	t.Parallel()
	b := NewBroker(&memSource{}, BrokerConfig{PollInterval: -1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Run(ctx) }()
	sub, err := b.Subscribe(context.Background(), Filter{}, -1)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	if _, ok := <-sub.C; ok {
		t.Fatal("subscription still open after broker stopped")
	}
	if !errors.Is(sub.Err(), ErrClosed) {
		t.Errorf("Err = %v, want ErrClosed", sub.Err())
	}
	if _, err := b.Subscribe(context.Background(), Filter{}, -1); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe after close: %v, want ErrClosed", err)
	}
}

// Fixed ids for the filter tests.
var (
	m1 = ident.MustParse("01900000-0000-7000-8000-000000000001")
	m2 = ident.MustParse("01900000-0000-7000-8000-000000000002")
	m3 = ident.MustParse("01900000-0000-7000-8000-000000000003")
	c7 = ident.MustParse("01900000-0000-7000-8000-000000000007")
)

// TestSubscribeConverted: the broker converts and buffers events on the
// subscriber's typed channel itself (replay after afterSeq, then live, in
// order), drops what Conv refuses, reports each buffered event to Sent,
// and ends a subscriber that falls behind, or whose context ends, with
// Ended's reason.
func TestSubscribeConverted(t *testing.T) {
	t.Parallel()
	src := &memSource{}
	src.append(Event{Type: "keep"}) // seq 1: replayed after afterSeq 0
	b := startBroker(t, src, BrokerConfig{Buffer: 3})
	conv := Converted[int64]{Conv: func(e *Event) (int64, bool) { return e.Seq * 10, e.Type == "keep" }}

	var mu sync.Mutex
	var sent []int64
	ended := make(chan error, 2)
	c := conv
	c.Sent = func(e *Event) { mu.Lock(); sent = append(sent, e.Seq); mu.Unlock() }
	c.Ended = func(err error) { ended <- err }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := SubscribeConverted(ctx, b, Filter{}, 0, c)
	if err != nil {
		t.Fatal(err)
	}
	src.append(Event{Type: "drop"}) // seq 2
	src.append(Event{Type: "keep"}) // seq 3
	b.Notify()
	for _, want := range []int64{10, 30} {
		select {
		case got := <-ch:
			if got != want {
				t.Fatalf("got %d, want %d", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no value %d within 5s", want)
		}
	}
	mu.Lock()
	if len(sent) != 2 || sent[0] != 1 || sent[1] != 3 {
		t.Errorf("Sent saw seqs %v, want [1 3]", sent)
	}
	mu.Unlock()
	cancel()
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after the context ended")
	}
	if err := <-ended; err != nil {
		t.Errorf("Ended(%v) after the context ended, want nil", err)
	}

	// A subscriber that reads nothing is ended once its 3 slots are full.
	slowEnded := make(chan error, 1)
	c = conv
	c.Ended = func(err error) { slowEnded <- err }
	slow, err := SubscribeConverted(context.Background(), b, Filter{}, -1, c)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		src.append(Event{Type: "keep"})
	}
	b.Notify()
	select {
	case err := <-slowEnded:
		if !errors.Is(err, ErrSlowSubscriber) {
			t.Errorf("Ended(%v), want ErrSlowSubscriber", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("slow subscriber not ended within 5s")
	}
	n := 0
	for range slow {
		n++
	}
	if n != 3 {
		t.Errorf("received %d values before the end, want the buffer's 3", n)
	}
}

// TestSubscribeConvertedOffer: a value Offer takes is not buffered (so a
// subscriber that takes every value never fills its buffer, and its
// channel carries only what Offer refused), the backlog is offered too,
// and Sent hears of both.
func TestSubscribeConvertedOffer(t *testing.T) {
	t.Parallel()
	src := &memSource{}
	src.append(Event{Type: "keep"}) // seq 1: replayed
	b := startBroker(t, src, BrokerConfig{Buffer: 2})
	var mu sync.Mutex
	var offered, sent []int64
	c := Converted[int64]{
		Conv:  func(e *Event) (int64, bool) { return e.Seq, true },
		Offer: func(v int64) bool { mu.Lock(); defer mu.Unlock(); offered = append(offered, v); return v%3 != 0 },
		Sent:  func(e *Event) { mu.Lock(); defer mu.Unlock(); sent = append(sent, e.Seq) },
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := SubscribeConverted(ctx, b, Filter{}, 0, c)
	if err != nil {
		t.Fatal(err)
	}
	for range 7 { // seqs 2-8: more than the buffer of 2, but only 3 and 6 are refused
		src.append(Event{Type: "keep"})
	}
	b.Notify()
	for _, want := range []int64{3, 6} {
		select {
		case got := <-ch:
			if got != want {
				t.Fatalf("channel carried %d, want %d", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no value %d within 5s", want)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		done := len(sent) == 8
		o, s := slices.Clone(offered), slices.Clone(sent)
		mu.Unlock()
		if done {
			if !slices.Equal(o, []int64{1, 2, 3, 4, 5, 6, 7, 8}) || !slices.Equal(s, o) {
				t.Fatalf("offered %v, sent %v; want 1-8 both", o, s)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s offered %v, sent %v", o, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case v, ok := <-ch:
		t.Fatalf("the channel carried %d (open %v) that Offer took", v, ok)
	default:
	}
}
