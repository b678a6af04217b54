package graph

import (
	"bytes"
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// Direct delivery: an event that wakes no goroutine per subscriber.
//
// When the transport gives a subscription operation a gqlresponse.Sink
// (server/wsgraphql does) and its stream lets the tap see each event as
// the broker delivers it (streamDirect sets events.Converted.Offer), the
// tap decides per event, inside the broker's delivery:
//
//   - a subscriber whose key has a result being made or made already
//     waits for it as one of the result's waiters: the broker does not
//     buffer the event on its channel, so the subscriber's goroutine,
//     parked in serveDirect, is not woken. When the result is published,
//     the goroutine that made it writes it to every waiter's sink
//     (flush), one system call each;
//   - the first subscriber of a key, one whose results cannot be shared,
//     or one whose shared result turned out not shareable, executes the
//     event on its own goroutine, as without direct delivery, and writes
//     its result through its sink. A subscriber whose goroutine is still
//     busy with events of its own (a replay, a slow read) is never made
//     the first: it waits for another's result, or executes alone.
//   - a first that goes away before executing (its operation ends, its
//     socket fails) publishes its result as not shareable, and the
//     waiters execute for themselves.
//
// Each tap keeps its events in order in a queue (pending) and writes only
// from its head, so a shared result never overtakes an event the
// subscriber is still executing. What was 15-16 us of server CPU per
// delivery at 10,000 subscribers (a goroutine woken, gqlgen's response
// path, the transport's write) is then the sink's framing and write.

// maxPending bounds the shared results a tap's queue holds, waiting
// behind an event the subscriber's goroutine is still executing. Past it
// the stream ends as a slow subscriber's does (the client resubscribes
// with afterSeq). Events the goroutine executes itself are bounded by the
// subscription's channel instead (its buffer, and the whole of a replay).
const maxPending = 1024

// pending is one event of a direct tap, in the order of the tap's queue.
type pending struct {
	ev    any
	r     *sharedResult     // the event's shared result, if it can have one
	resp  *graphql.Response // what to write, once ready
	own   bool              // the tap's goroutine executes it
	first bool              // ... and publishes r, which it created
	woken bool              // own because r was not shareable: no event on the channel
	taken bool              // the goroutine has taken it to execute
	ready bool
}

// directOffer puts the subscription whose operation ctx is under
// Fanout's direct delivery and returns its events.Converted.Offer; nil
// when it cannot be (no Fanout tap, no sink from the transport, or a
// stream connected to the tap already).
func directOffer[T any](ctx context.Context) func(*T) bool {
	tap, _ := ctx.Value(tapKey{}).(*eventTap)
	if tap == nil || tap.sink == nil || tap.src != nil {
		return nil
	}
	tap.direct, tap.wake = true, make(chan struct{}, 1)
	return func(v *T) bool { return tap.offer(v) }
}

// offer is the tap's events.Converted.Offer: it queues ev and reports
// whether the tap delivers it without the subscriber's goroutine (false:
// the broker buffers ev on the channel, for the goroutine to execute).
// It runs in the broker's delivery, with the broker's lock held: it must
// not block.
func (t *eventTap) offer(ev any) bool {
	t.mu.Lock()
	stopped, behind := t.stopped, t.busy > 0
	t.mu.Unlock()
	if stopped {
		return true // the operation is over: drop the event
	}
	p := &pending{ev: ev, own: true}
	if key, ok := t.key(ev); ok {
		if behind {
			// A subscriber whose goroutine still has events of its own
			// to execute (a replay, a slow read) must not make the others
			// wait for it: it waits for a result another makes, or
			// executes this one for itself alone.
			p.r = t.f.lookup(key)
			p.own = p.r == nil
		} else {
			p.r, p.first = t.f.join(key)
			p.own = p.first
		}
	}
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		if p.first {
			p.r.publish(nil) // stopped since: the others execute
		}
		return true
	}
	if t.over || !p.own && t.waiting >= maxPending {
		t.over = true
		t.mu.Unlock()
		t.signal()
		if p.first {
			p.r.publish(nil) // the others execute for themselves
		}
		return false
	}
	t.queue = append(t.queue, p)
	if p.own {
		t.busy++
	} else {
		t.waiting++
	}
	t.mu.Unlock()
	if p.own {
		return false
	}
	if !p.r.await(t) {
		t.f.schedule(t) // published already
	}
	return true
}

// flushQueued is how many taps may wait for a flusher; past it, the
// goroutine that has one flushes it itself.
const flushQueued = 4096

// schedule has t flushed by one of up to GOMAXPROCS flusher goroutines:
// an event's result goes to its 10,000 subscribers in as many system
// calls, which the broker's goroutine or the one that published the
// result would otherwise make alone while the other cores idle. When the
// queue is full, the caller flushes t itself.
func (f *Fanout) schedule(t *eventTap) {
	select {
	case f.flushq <- t:
	default:
		t.flush()
		return
	}
	if f.flushers.Load() < f.maxFlushers {
		if f.flushers.Add(1) <= f.maxFlushers {
			go f.flusher()
		} else {
			f.flushers.Add(-1)
		}
	}
}

// flusher flushes queued taps until the queue is empty.
func (f *Fanout) flusher() {
	for {
		select {
		case t := <-f.flushq:
			t.flush()
			continue
		default:
		}
		// Leave, unless a tap was queued by a scheduler that saw every
		// flusher running before this one left (it checks the count
		// after queueing; this looks at the queue after leaving it).
		f.flushers.Add(-1)
		if len(f.flushq) == 0 {
			return
		}
		if f.flushers.Add(1) > f.maxFlushers {
			f.flushers.Add(-1)
			return
		}
	}
}

// stop ends the tap's writes: events still queued are dropped. A shared
// result the tap was to make and never took is published as not
// shareable, so its waiters execute the event for themselves rather than
// wait for it for ever.
func (t *eventTap) stop() {
	t.mu.Lock()
	orphans := t.stopLocked()
	t.mu.Unlock()
	publishNone(orphans)
}

// stopLocked is stop with t.mu held: it returns the results to publish as
// not shareable (after unlocking).
func (t *eventTap) stopLocked() []*sharedResult {
	var orphans []*sharedResult
	for _, p := range t.queue {
		if p.first && !p.taken {
			orphans = append(orphans, p.r)
		}
	}
	t.stopped, t.queue, t.busy, t.waiting = true, nil, 0, 0
	return orphans
}

// publishNone publishes rs as not shareable: their waiters execute for
// themselves.
func publishNone(rs []*sharedResult) {
	for _, r := range rs {
		r.publish(nil)
	}
}

// signal wakes the tap's goroutine (serveDirect) without an event.
func (t *eventTap) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// flush writes the ready events at the head of the queue to the sink, in
// order, and stops at the first that is not ready. A shared result that
// could not be shared becomes the goroutine's to execute.
func (t *eventTap) flush() {
	t.mu.Lock()
	for len(t.queue) > 0 && !t.stopped {
		p := t.queue[0]
		if !p.ready {
			if p.own || !p.r.isFinal() {
				break
			}
			if p.r.resp == nil {
				p.own, p.woken = true, true
				t.waiting--
				t.busy++
				t.signal()
				break
			}
			p.resp, p.ready = p.r.resp, true
			t.f.shared.Add(1)
		}
		t.queue[0] = nil
		t.queue = t.queue[1:]
		if len(t.queue) == 0 {
			t.queue = nil
		}
		if !p.own {
			t.waiting--
		}
		if !t.sink.Send(p.resp) {
			// The socket is closed, or is closing: nothing more is
			// written, and what this tap was to make for others is not
			// coming.
			orphans := t.stopLocked()
			t.mu.Unlock()
			publishNone(orphans)
			return
		}
	}
	t.mu.Unlock()
}

// take waits for the next event the tap's goroutine must execute: one the
// broker buffered on the channel, or one woken (its shared result was not
// shareable). false when the stream or ctx ended, or the queue overflowed.
func (t *eventTap) take(ctx context.Context) (*pending, bool) {
	for {
		t.mu.Lock()
		if t.over || t.stopped {
			t.mu.Unlock()
			return nil, false
		}
		for _, p := range t.queue {
			if p.woken && !p.taken {
				p.taken = true
				t.mu.Unlock()
				return p, true
			}
		}
		t.mu.Unlock()
		ev, ok, woke := t.src.receiveOr(ctx, t.wake)
		if woke {
			continue
		}
		if !ok {
			return nil, false
		}
		t.mu.Lock()
		for _, p := range t.queue {
			if p.ev == ev && p.own && !p.woken && !p.taken {
				p.taken = true
				t.mu.Unlock()
				return p, true
			}
		}
		// Not offered (cannot happen while offer queues every event it
		// refuses): execute it after what is queued.
		p := &pending{ev: ev, own: true, taken: true}
		t.queue = append(t.queue, p)
		t.busy++
		t.mu.Unlock()
		return p, true
	}
}

// serveDirect is InterceptResponse for a direct tap: the operation's
// goroutine stays here for the whole subscription, executing the events
// that are its to execute and writing their results through the sink; it
// returns only when the stream ends (nil: gqlgen completes it).
func (f *Fanout) serveDirect(ctx context.Context, tap *eventTap, next graphql.ResponseHandler) *graphql.Response {
	// Once this returns the transport completes the operation: nothing
	// of it may be written after that.
	defer tap.stop()
	for {
		p, ok := tap.take(ctx)
		if !ok {
			tap.src.end() // gqlgen's channel closes: next ends the stream
			return next(ctx)
		}
		resp := f.executeDirect(ctx, tap, p, next)
		if resp == nil || ctx.Err() != nil {
			return nil // the operation's context ended: nothing more is written
		}
		tap.mu.Lock()
		p.resp, p.ready = resp, true
		if !tap.stopped {
			tap.busy--
		}
		tap.mu.Unlock()
		tap.flush()
	}
}

// executeDirect executes p's event for the tap and, when p created its
// shared result, publishes it (also when next panics, as nil: the others
// execute for themselves). It returns a copy of the response: the
// executor reuses its buffer for the next event, and p may wait in the
// queue behind others.
func (f *Fanout) executeDirect(ctx context.Context, tap *eventTap, p *pending, next graphql.ResponseHandler) *graphql.Response {
	var shared *graphql.Response
	if p.first {
		defer func() { p.r.publish(shared) }()
	}
	resp := f.execute(ctx, tap, p.ev, next)
	if resp == nil {
		return nil
	}
	own := *resp
	own.Data = bytes.Clone(resp.Data)
	if p.first && shareable(&own) {
		shared = &graphql.Response{Data: own.Data}
	}
	return &own
}
