package events

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// BrokerConfig tunes a Broker. Zero values take the defaults.
type BrokerConfig struct {
	// Buffer is each subscription's channel capacity (default 256): how far
	// a subscriber may fall behind before it is ended with
	// ErrSlowSubscriber. The channel carries pointers, so an idle
	// subscription holds 8 bytes per slot (2 KB by default).
	Buffer int
	// BatchSize is how many events one outbox read returns (default 500).
	BatchSize int
	// PollInterval re-reads the outbox even without a notification, a
	// safety net for a lost NOTIFY (default 2s; negative disables polling).
	PollInterval time.Duration
	// Log receives read errors (default slog.Default()).
	Log *slog.Logger
}

// Broker fans committed events out to subscribers. Create one with
// NewBroker, start it with Run, wake it with Notify after each commit.
type Broker struct {
	src  Source
	cfg  BrokerConfig
	wake chan struct{}

	ready chan struct{} // closed once Run has read the outbox's end

	mu     sync.Mutex
	last   int64 // highest sequence delivered to live subscribers
	closed bool
	subs   map[*subscription]struct{}
}

type subscription struct {
	filter Filter
	ch     chan *Event
	err    error // why ch was closed early, guarded by Broker.mu
	done   bool
	stop   func() bool // stops the context watcher
}

// NewBroker returns a broker reading from src.
func NewBroker(src Source, cfg BrokerConfig) *Broker {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 256
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Broker{src: src, cfg: cfg, wake: make(chan struct{}, 1), ready: make(chan struct{}), subs: map[*subscription]struct{}{}}
}

// Notify tells the broker that new events were committed. It never blocks.
func (b *Broker) Notify() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Run delivers events until ctx is done, then ends every subscription. It
// starts from the outbox's current end: older events reach only subscribers
// that ask for them with afterSeq.
func (b *Broker) Run(ctx context.Context) error {
	last, err := b.src.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("events: read last sequence: %w", err)
	}
	b.mu.Lock()
	b.last = last
	b.mu.Unlock()
	close(b.ready)
	defer b.close()

	var tick <-chan time.Time
	if b.cfg.PollInterval > 0 {
		t := time.NewTicker(b.cfg.PollInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-b.wake:
		case <-tick:
		}
		if err := b.drain(ctx); err != nil && ctx.Err() == nil {
			b.cfg.Log.Error("events: read outbox", "err", err)
		}
	}
}

// drain reads and delivers every event after b.last.
func (b *Broker) drain(ctx context.Context) error {
	for {
		b.mu.Lock()
		after := b.last
		b.mu.Unlock()
		evs, err := b.src.EventsAfter(ctx, after, b.cfg.BatchSize)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		b.mu.Lock()
		for i := range evs {
			e := &evs[i]
			if e.Seq <= b.last {
				continue
			}
			b.last = e.Seq
			for s := range b.subs {
				if s.filter.Match(e) {
					b.deliverLocked(s, e)
				}
			}
		}
		b.mu.Unlock()
		if len(evs) < b.cfg.BatchSize {
			return nil
		}
	}
}

// deliverLocked sends e to s or ends s when its buffer is full.
func (b *Broker) deliverLocked(s *subscription, e *Event) {
	select {
	case s.ch <- e:
	default:
		b.endLocked(s, ErrSlowSubscriber)
	}
}

func (b *Broker) endLocked(s *subscription, err error) {
	if s.done {
		return
	}
	s.done, s.err = true, err
	if s.stop != nil {
		s.stop()
	}
	delete(b.subs, s)
	close(s.ch)
}

func (b *Broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		b.endLocked(s, ErrClosed)
	}
}

// Subscription is a live stream of events. Read C until it is closed, then
// call Err to learn why. Every subscriber of an event receives the same
// *Event: treat it as read-only.
type Subscription struct {
	C <-chan *Event
	b *Broker
	s *subscription
}

// Err returns why the subscription ended: nil after Close or a cancelled
// context, ErrSlowSubscriber, ErrClosed, or a replay error.
func (s *Subscription) Err() error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.s.err
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.endLocked(s.s, nil)
}

// Subscribe streams events matching f. With afterSeq >= 0 it first replays
// every committed matching event with Seq > afterSeq, then continues live,
// with no gap and no duplicate; with afterSeq < 0 it starts live. The
// subscription ends when ctx is done. Subscribe waits until Run has started.
func (b *Broker) Subscribe(ctx context.Context, f Filter, afterSeq int64) (*Subscription, error) {
	select {
	case <-b.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s := &subscription{filter: f}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, ErrClosed
	}
	live := b.last
	b.mu.Unlock()

	var backlog []*Event
	if afterSeq >= 0 && afterSeq < live {
		// Replay up to what live delivery has reached; anything later comes
		// live. The broker may move on while we read: catch up under the lock.
		var err error
		if backlog, err = b.replay(ctx, f, afterSeq, live); err != nil {
			return nil, err
		}
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	if b.last > live {
		more, err := b.replay(ctx, f, live, b.last)
		if err != nil {
			return nil, err
		}
		backlog = append(backlog, more...)
	}
	s.ch = make(chan *Event, len(backlog)+b.cfg.Buffer)
	for _, e := range backlog {
		s.ch <- e
	}
	b.subs[s] = struct{}{}
	sub := &Subscription{C: s.ch, b: b, s: s}
	s.stop = context.AfterFunc(ctx, sub.Close)
	return sub, nil
}

// replay reads matching events with after < Seq <= upto.
func (b *Broker) replay(ctx context.Context, f Filter, after, upto int64) ([]*Event, error) {
	var out []*Event
	for after < upto {
		evs, err := b.src.EventsAfter(ctx, after, b.cfg.BatchSize)
		if err != nil {
			return nil, fmt.Errorf("events: replay after %d: %w", after, err)
		}
		if len(evs) == 0 {
			break
		}
		for i := range evs {
			if evs[i].Seq > upto {
				return out, nil
			}
			if f.Match(&evs[i]) {
				out = append(out, &evs[i])
			}
			after = evs[i].Seq
		}
	}
	return out, nil
}
