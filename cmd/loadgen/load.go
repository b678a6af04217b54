package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

const labelQueueQuery = `query($m: ID!) { labelQueue(filter: {modelId: $m}, first: 25) {
  edges { node { id priority status prediction uncertainty compound { id canonicalSmiles name } } } } }`

const typenameQuery = `{ __typename }`

// phase collects one rate's measurements; nil while warming up.
type phase struct {
	mu    sync.Mutex
	lat   map[string][]time.Duration // by operation
	errs  map[string]int
	first map[string]string // first error text by operation
	late  atomic.Int64      // requests the generator sent over 10 ms late
	// sent holds the items whose submitLabel was sent; labeled maps an
	// item id to when its submitLabel answered.
	sent    sync.Map
	labeled sync.Map
	labels  atomic.Int64
	events  atomic.Int64
	// deliveries holds the event delivery latencies, in shards by
	// subscriber: 10,000 subscribers reading one event at once would
	// otherwise queue on mu, on the cores the server shares.
	deliveries [64]struct {
		mu  sync.Mutex
		lat []time.Duration
	}
}

func newPhase() *phase {
	return &phase{lat: map[string][]time.Duration{}, errs: map[string]int{}, first: map[string]string{}}
}

// recordDelivery counts an event subscriber i read d after its mutation's
// response.
func (p *phase) recordDelivery(i int, d time.Duration) {
	p.events.Add(1)
	sh := &p.deliveries[i%len(p.deliveries)]
	sh.mu.Lock()
	sh.lat = append(sh.lat, d)
	sh.mu.Unlock()
}

func (p *phase) record(op string, d time.Duration, err error) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.errs[op]++
		if p.first[op] == "" {
			p.first[op] = err.Error()
		}
		return
	}
	p.lat[op] = append(p.lat[op], d)
}

// runDB starts a server on a fresh database of kind db, seeds the queue,
// and runs one phase per rate.
func runDB(ctx context.Context, o options, db string) ([]Result, error) {
	logf("%s: seeding (admin, ESOL, a pool of %d, an 8-member model)", db, o.queue+o.queue/5)
	srv, err := start(ctx, o, db)
	if err != nil {
		return nil, err
	}
	defer srv.stop()

	admin := newGQL(srv.addr)
	if err := admin.login(ctx, adminEmail, adminPassword); err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	var models struct{ Models []struct{ ID string } }
	if err := admin.do(ctx, `{ models { id } }`, nil, &models); err != nil || len(models.Models) != 1 {
		return nil, fmt.Errorf("models: %v (%d)", err, len(models.Models))
	}
	modelID := models.Models[0].ID
	var tok struct{ CreateApiToken struct{ Secret string } }
	if err := admin.do(ctx, `mutation { createApiToken(input: {name: "loadgen"}) { secret } }`, nil, &tok); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	reader := newGQL(srv.addr)
	reader.token = tok.CreateApiToken.Secret

	// selectSamples takes at most 500 per cycle: the queue is several
	// cycles' batches (each waits for its selection before the next).
	t0 := time.Now()
	for left := o.queue; left > 0; left -= min(left, 500) {
		if err := selectBatch(ctx, admin, modelID, min(left, 500), o.queue-left); err != nil {
			return nil, err
		}
	}
	logf("%s: queue of %d items selected in %.1fs", db, o.queue, time.Since(t0).Seconds())

	var cur atomic.Pointer[phase]
	// counting is the phase whose events subscribers count: cur, and
	// for a grace period after it, so that the events of labels submitted
	// as the phase ended still count.
	var counting atomic.Pointer[phase]
	runCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var wg sync.WaitGroup

	// Labelers: scientists created by the admin, each with a session.
	for i := range o.labelers {
		email := fmt.Sprintf("labeler%02d@loadgen", i)
		if err := admin.do(ctx, `mutation($e: String!) { createUser(input: {email: $e, name: $e, role: SCIENTIST, password: "labeler password 1"}) { user { id } } }`,
			map[string]any{"e": email}, nil); err != nil {
			return nil, fmt.Errorf("create labeler: %w", err)
		}
		l := newGQL(srv.addr)
		if err := l.login(ctx, email, "labeler password 1"); err != nil {
			return nil, fmt.Errorf("labeler login: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			labeler(runCtx, l, modelID, o.labelEvery, &cur)
		}()
	}

	// Subscribers, and the server's resident memory they cost: measured
	// over the second half of them, once the first half has made the
	// server's heap grow and collect the seeding's garbage (a delta from
	// before the first one is mostly that garbage being returned).
	var rssHalf int64
	rssOK := false
	var subs []*subscriber
	for i := range o.subscribers {
		if i == o.subscribers/2 && i > 0 {
			time.Sleep(time.Second)
			rssHalf, rssOK = rssKB(srv.cmd.Process.Pid)
		}
		s, err := subscribe(ctx, srv.addr, reader.token, modelID)
		if err != nil {
			return nil, fmt.Errorf("subscriber: %w", err)
		}
		subs = append(subs, s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ev, err := s.next()
				if err != nil {
					return
				}
				p := counting.Load()
				if p == nil || ev.Type != "item_labeled" {
					continue
				}
				if at, ok := p.labeled.Load(ev.ItemID); ok {
					p.recordDelivery(i, max(time.Since(at.(time.Time)), 0))
				} else if _, ok := p.sent.Load(ev.ItemID); ok {
					p.recordDelivery(i, 0) // before the mutation's response
				}
			}
		}()
	}
	var perSub float64
	if o.subscribers > 0 {
		time.Sleep(time.Second) // let the server settle its sockets' buffers
		if rssAfter, ok := rssKB(srv.cmd.Process.Pid); ok && rssOK && o.subscribers >= minMemorySubscribers {
			perSub = float64(rssAfter-rssHalf) / float64(o.subscribers-o.subscribers/2)
			logf("%s: %d subscribers connected; server RSS %.1f KB more per subscriber", db, o.subscribers, perSub)
		} else {
			logf("%s: %d subscribers connected", db, o.subscribers)
		}
	}

	var results []Result
	for _, rate := range o.rates {
		if ctx.Err() != nil {
			break
		}
		// Warm up at the rate, unmeasured, then measure.
		openLoop(runCtx, reader, modelID, rate, o.warmup, nil)
		p := newPhase()
		cur.Store(p)
		counting.Store(p)
		before := sampleCost(ctx, srv)
		openLoop(runCtx, reader, modelID, rate, o.duration, p)
		after := sampleCost(ctx, srv)
		cur.Store(nil)
		time.Sleep(3 * time.Second) // let the events of the phase's last labels land in its counts
		counting.Store(nil)
		r := summarize(db, rate, o, p)
		r.KBPerSubscriber = perSub
		r.Cost = cost(before, after, r.answered())
		logf("%s at %d/s: labelQueue p50 %.1f p99 %.1f ms, %d errors", db, rate, r.Ops["labelQueue"].P50, r.Ops["labelQueue"].P99, r.Ops["labelQueue"].Errors)
		results = append(results, r)
	}
	stopLoad()
	for _, s := range subs {
		s.conn.Close()
	}
	wg.Wait()
	return results, nil
}

// openLoop sends labelQueue at rate per second and { __typename } at a
// tenth of it for d, each request at its scheduled time in its own
// goroutine; latency counts from the scheduled time.
func openLoop(ctx context.Context, g *gql, modelID string, rate int, d time.Duration, p *phase) {
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	n := int(d / interval)
	vars := map[string]any{"m": modelID}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		at := start.Add(time.Duration(i) * interval)
		if w := time.Until(at); w > 0 {
			time.Sleep(w)
		} else if w < -10*time.Millisecond && p != nil {
			p.late.Add(1)
		}
		op, q, v := "labelQueue", labelQueueQuery, vars
		if i%10 == 9 {
			op, q, v = "typename", typenameQuery, nil
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := g.do(ctx, q, v, nil)
			p.record(op, time.Since(at), err)
		}()
	}
	wg.Wait()
}

// labeler claims and labels an item every period until ctx ends.
func labeler(ctx context.Context, g *gql, modelID string, period time.Duration, cur *atomic.Pointer[phase]) {
	t := time.NewTimer(time.Duration(rand.Int64N(int64(period))))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		t.Reset(period)
		p := cur.Load()
		t0 := time.Now()
		var claim struct {
			ClaimNextItem struct{ Item *struct{ ID string } }
		}
		err := g.do(ctx, `mutation($m: ID!) { claimNextItem(input: {modelId: $m}) { item { id } } }`, map[string]any{"m": modelID}, &claim)
		if ctx.Err() != nil {
			return
		}
		p.record("claimNextItem", time.Since(t0), err)
		if err != nil || claim.ClaimNextItem.Item == nil {
			continue
		}
		id := claim.ClaimNextItem.Item.ID
		if p != nil {
			p.sent.Store(id, true)
		}
		t1 := time.Now()
		err = g.do(ctx, `mutation($i: ID!, $v: Float!) { submitLabel(input: {itemId: $i, value: $v}) { item { id } } }`,
			map[string]any{"i": id, "v": -3 + rand.Float64()}, nil)
		if ctx.Err() != nil {
			return
		}
		p.record("submitLabel", time.Since(t1), err)
		if err == nil && p != nil {
			p.labeled.Store(id, time.Now())
			p.labels.Add(1)
		}
	}
}

// selectBatch starts a cycle of n items and waits until it is labeling.
func selectBatch(ctx context.Context, admin *gql, modelID string, n, seed int) error {
	t0 := time.Now()
	var sel struct {
		SelectSamples struct{ Cycle struct{ ID string } }
	}
	if err := admin.do(ctx, `mutation($m: ID!, $n: Int!, $s: Int!) { selectSamples(input: {selection: {modelId: $m, batchSize: $n, seed: $s}}) { cycle { id } } }`,
		map[string]any{"m": modelID, "n": n, "s": seed}, &sel); err != nil {
		return fmt.Errorf("selectSamples: %w", err)
	}
	for {
		var c struct {
			Cycle struct {
				Status        string
				ItemsSelected int
			}
		}
		if err := admin.do(ctx, `query($c: ID!) { cycle(id: $c) { status itemsSelected } }`, map[string]any{"c": sel.SelectSamples.Cycle.ID}, &c); err != nil {
			return err
		}
		if c.Cycle.Status == "LABELING" {
			if c.Cycle.ItemsSelected != n {
				return fmt.Errorf("cycle has %d items, want %d", c.Cycle.ItemsSelected, n)
			}
			return nil
		}
		if c.Cycle.Status == "FAILED" || time.Since(t0) > 5*time.Minute {
			return fmt.Errorf("selection %s after %s", c.Cycle.Status, time.Since(t0))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
