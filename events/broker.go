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

// subscription is one subscriber as the broker holds it, whatever the
// type of its channel: send buffers an event without blocking (false when
// the buffer is full) and closeCh closes the channel.
type subscription struct {
	filter Filter
	// after is the subscriber's afterSeq: events up to it are not
	// delivered, even live ones of a broker still behind it (the client
	// saw them through another replica or before reconnecting).
	after   int64
	send    func(*Event) bool
	closeCh func()
	ended   func(error) // optional, called once when it ends
	err     error       // why the channel was closed early, guarded by Broker.mu
	done    bool
	stop    func() bool // stops the context watcher
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

// deliverLocked sends e to s or ends s when its buffer is full; an event
// the subscriber had already seen (Seq <= its afterSeq) is skipped.
func (b *Broker) deliverLocked(s *subscription, e *Event) {
	if e.Seq <= s.after {
		return
	}
	if !s.send(e) {
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
	s.closeCh()
	if s.ended != nil {
		s.ended(err)
	}
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
	s := &subscription{filter: f}
	var ch chan *Event
	identity := func(e *Event) (*Event, bool) { return e, true }
	if err := b.subscribe(ctx, s, afterSeq, opener(s, &ch, b.cfg.Buffer, Converted[*Event]{Conv: identity})); err != nil {
		return nil, err
	}
	return &Subscription{C: ch, b: b, s: s}, nil
}

// Converted configures SubscribeConverted.
type Converted[T any] struct {
	// Conv converts a matching event into what the channel carries; false
	// drops the event. It runs with the broker's lock held, once per
	// event and subscriber: it must be quick, must not block and must
	// not call the broker. Required.
	Conv func(*Event) (T, bool)
	// Offer, when set, is offered each converted value first (with the
	// lock held: it must not block and must not call the broker): true
	// means the subscriber took it itself and it is not buffered on the
	// channel, false that it goes on the channel as without Offer. A
	// subscriber that delivers most events without its goroutine
	// (graph.Fanout writing a shared result to the socket) sets it, so
	// that an event wakes no goroutine per subscriber.
	Offer func(T) bool
	// Sent, when set, is called (with the lock held) after an event's
	// value was buffered on the channel or taken by Offer.
	Sent func(*Event)
	// Ended, when set, is called once (with the lock held) when the
	// subscription ends, with why: nil after its context ended,
	// ErrSlowSubscriber, ErrClosed.
	Ended func(error)
}

// SubscribeConverted is Subscribe delivering each event converted by
// c.Conv on a channel of T, closed when the subscription ends (ctx done, a
// full buffer, the broker stopped). The broker writes to the channel
// itself: a subscriber needs no goroutine of its own to convert events
// (issue 15: an idle GraphQL subscription should cost little memory, and
// an event should not wake a goroutine per subscriber).
func SubscribeConverted[T any](ctx context.Context, b *Broker, f Filter, afterSeq int64, c Converted[T]) (<-chan T, error) {
	s := &subscription{filter: f, ended: c.Ended}
	var ch chan T
	if err := b.subscribe(ctx, s, afterSeq, opener(s, &ch, b.cfg.Buffer, c)); err != nil {
		return nil, err
	}
	return ch, nil
}

// opener returns subscribe's open for a channel of T: it makes *ch with
// room for the backlog and buffer more, and sets s.send (convert, offer
// or buffer without blocking, then call Sent if set; a conversion that
// drops the event counts as sent) and s.closeCh.
func opener[T any](s *subscription, ch *chan T, buffer int, cv Converted[T]) func(backlog int) {
	conv, offer, sent := cv.Conv, cv.Offer, cv.Sent
	return func(backlog int) {
		c := make(chan T, backlog+buffer)
		*ch = c
		s.send = func(e *Event) bool {
			v, ok := conv(e)
			if !ok {
				return true
			}
			if offer != nil && offer(v) {
				if sent != nil {
					sent(e)
				}
				return true
			}
			select {
			case c <- v:
				if sent != nil {
					sent(e)
				}
				return true
			default:
				return false
			}
		}
		s.closeCh = func() { close(c) }
	}
}

// subscribe registers s: it reads the backlog after afterSeq, calls open
// with its length (open makes s's channel, with room for the backlog,
// and sets s.send and s.closeCh), buffers the backlog and starts live
// delivery, ending s when ctx is done.
func (b *Broker) subscribe(ctx context.Context, s *subscription, afterSeq int64, open func(backlog int)) error {
	s.after = max(afterSeq, -1)
	select {
	case <-b.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	live := b.last
	b.mu.Unlock()

	var backlog []*Event
	if afterSeq >= 0 && afterSeq < live {
		// Replay up to what live delivery has reached; anything later comes
		// live. The broker may move on while we read: catch up under the lock.
		var err error
		if backlog, err = b.replay(ctx, s.filter, afterSeq, live); err != nil {
			return err
		}
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if from := max(live, afterSeq); b.last > from {
		more, err := b.replay(ctx, s.filter, from, b.last)
		if err != nil {
			return err
		}
		backlog = append(backlog, more...)
	}
	open(len(backlog))
	for _, e := range backlog {
		s.send(e) // there is room for the whole backlog
	}
	b.subs[s] = struct{}{}
	s.stop = context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.endLocked(s, nil)
	})
	return nil
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
