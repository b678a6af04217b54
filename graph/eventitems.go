package graph

import (
	"context"
	"errors"
	"sync"

	"activelab/store"
)

// eventItemsKept is how many events' items eventItems remembers: far more
// than are delivered at once, so every subscriber of an event finds the
// item its first subscriber read.
const eventItemsKept = 1024

// eventItems reads the queue item of a queue event once for all of the
// event's subscribers: without it, each subscriber that asks for `item`
// costs one database read per event (issue 15: 1,000 subscribers, 1,000
// reads of the same row per event). Every subscriber of an event gets the
// item as read after the event, by whichever of them came first. The zero
// value is ready to use; it is safe for concurrent use.
type eventItems struct {
	mu    sync.Mutex
	bySeq map[int]*eventItem
	order []int // seqs, oldest first
}

// eventItem is one event's item, ready when done is closed.
type eventItem struct {
	done chan struct{}
	it   *store.LabelQueueItem
	err  error
}

// get returns the item of the event seq, calling load only if no other
// caller has loaded it (or is loading it). A failed load is not kept:
// a caller that waited for it loads for itself.
func (c *eventItems) get(ctx context.Context, seq int, load func(context.Context) (*store.LabelQueueItem, error)) (*store.LabelQueueItem, error) {
	c.mu.Lock()
	if e, ok := c.bySeq[seq]; ok {
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err != nil {
			return load(ctx)
		}
		return e.it, nil
	}
	if c.bySeq == nil {
		c.bySeq = map[int]*eventItem{}
	}
	e := &eventItem{done: make(chan struct{})}
	c.bySeq[seq] = e
	c.order = append(c.order, seq)
	if len(c.order) > eventItemsKept {
		delete(c.bySeq, c.order[0])
		c.order = c.order[1:]
	}
	c.mu.Unlock()

	e.it, e.err = load(ctx)
	if e.err != nil {
		c.mu.Lock()
		if c.bySeq[seq] == e {
			delete(c.bySeq, seq)
		}
		c.mu.Unlock()
	}
	close(e.done)
	return e.it, e.err
}

// queueEventItem loads a queue event's item (nil when it no longer exists).
func (r *Resolver) queueEventItem(ctx context.Context, seq int, itemID store.ID) (*store.LabelQueueItem, error) {
	return r.items.get(ctx, seq, func(ctx context.Context) (*store.LabelQueueItem, error) {
		it, err := r.Svc.QueueItem(ctx, itemID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return it, err
	})
}
