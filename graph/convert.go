package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"activelab/activelearning"
	"activelab/events"
	"activelab/graph/model"
	"activelab/ident"
	"activelab/store"
)

// MaxPageSize caps `first` of every connection.
const MaxPageSize = 100

// pageSize applies the default (20) and the cap of `first`; a negative or
// zero value is BAD_USER_INPUT.
func pageSize(first *int) (int, error) {
	if first == nil {
		return 20, nil
	}
	if *first <= 0 {
		return 0, &activelearning.InputError{Field: "first", Msg: fmt.Sprintf("must be positive, got %d", *first)}
	}
	return min(*first, MaxPageSize), nil
}

// metricList turns a metrics JSON object into a list sorted by name
// (non-numeric entries are left out).
func metricList(raw json.RawMessage) []*model.Metric {
	out := []*model.Metric{}
	if len(raw) == 0 {
		return out
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return out
	}
	for k, v := range m {
		if f, ok := v.(float64); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
			out = append(out, &model.Metric{Name: k, Value: f})
		}
	}
	slices.SortFunc(out, func(a, b *model.Metric) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func metricMap(m map[string]float64) []*model.Metric {
	b, _ := json.Marshal(m)
	return metricList(b)
}

func jsonString(raw json.RawMessage) *string {
	if len(raw) == 0 {
		return nil
	}
	s := string(raw)
	return &s
}

// lineage returns the model (lineage) a version belongs to, described by
// the lineage's current version (active, else latest), which may be
// another than v: a cycle of a superseded version still shows its model's
// active version.
func (r *Resolver) lineage(ctx context.Context, v *store.MLModel) (*model.Model, error) {
	cur, err := r.loaders(ctx).Current.Load(ctx, v.LineageID)
	if err != nil {
		return nil, fmt.Errorf("model %d: %w", v.LineageID, notFoundIfMissing(err))
	}
	return &model.Model{ID: v.LineageID, Current: cur}, nil
}

// compound cursors are graph's own: the last compound's id.
func compoundCursor(id store.ID) string {
	return base64.RawURLEncoding.EncodeToString([]byte("compound:" + id.String()))
}

func decodeCompoundCursor(s *string) (store.ID, error) {
	if s == nil || *s == "" {
		return store.NilID, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*s)
	rest, ok := strings.CutPrefix(string(b), "compound:")
	id, perr := ident.Parse(rest)
	if err != nil || !ok || perr != nil {
		return store.NilID, &activelearning.InputError{Field: "after", Msg: "not a cursor of compounds"}
	}
	return id, nil
}

func ptrID(v store.ID) *store.ID {
	if v == store.NilID {
		return nil
	}
	return &v
}

func queueEvent(e events.Event) *model.QueueEvent {
	return &model.QueueEvent{Seq: int(e.Seq), Type: e.Type, ModelID: e.ModelID, ItemID: ptrID(e.ItemID),
		CycleID: ptrID(e.CycleID), ActorID: ptrID(e.ActorID), Payload: jsonString(e.Payload), CreatedAt: e.CreatedAt}
}

func retrainProgress(e events.Event) *model.RetrainProgress {
	var p struct {
		Stage    string  `json:"stage"`
		Fraction float64 `json:"fraction"`
		Message  string  `json:"message"`
	}
	_ = json.Unmarshal(e.Payload, &p)
	return &model.RetrainProgress{Seq: int(e.Seq), CycleID: e.CycleID, Stage: p.Stage, Fraction: p.Fraction,
		Message: p.Message, CreatedAt: e.CreatedAt}
}

func cycleEvent(e events.Event) *model.CycleEvent {
	return &model.CycleEvent{Seq: int(e.Seq), Type: e.Type, ModelID: e.ModelID, CycleID: e.CycleID,
		ActorID: ptrID(e.ActorID), Payload: jsonString(e.Payload), CreatedAt: e.CreatedAt}
}

// CycleEventTypes are the events cycleEvents and cycleUpdated stream.
var CycleEventTypes = []string{activelearning.EventCycleStarted, activelearning.EventCycleUpdated}

// QueueEventTypes are the events queueEvents streams.
var QueueEventTypes = []string{
	activelearning.EventItemEnqueued, activelearning.EventItemClaimed, activelearning.EventItemReleased,
	activelearning.EventItemLabeled, activelearning.EventItemSkipped, activelearning.EventItemAssigned,
	activelearning.EventItemAmended, activelearning.EventItemRetracted,
}

// afterSeqArg maps the optional afterSeq argument to Broker.Subscribe's
// (-1 = live only).
func afterSeqArg(afterSeq *int) (int64, error) {
	if afterSeq == nil {
		return -1, nil
	}
	if *afterSeq < 0 {
		return 0, &activelearning.InputError{Field: "afterSeq", Msg: fmt.Sprintf("must be >= 0, got %d", *afterSeq)}
	}
	return int64(*afterSeq), nil
}

// streamDirect subscribes subscription field to r's broker, converting
// each event with conv, which must be pure (no context, no database: it
// runs inside the broker's delivery) since its result is shared by every
// subscriber of field that receives the event. The broker writes to the
// returned channel itself, so an idle subscription costs no goroutine;
// r.Streams hears when it starts and ends and each event's delivery lag.
// Under a Fanout, the channel is the subscription's event tap: one
// execution of an event serves every subscriber with the same result key.
// The channel closes when ctx ends, the subscriber falls behind
// (events.ErrSlowSubscriber: gqlgen completes it, the client resubscribes
// with afterSeq) or the broker stops.
func streamDirect[T any](ctx context.Context, r *Resolver, field string, f events.Filter, after int64, memo *lastConverted[T], conv func(*events.Event) *T) (<-chan *T, error) {
	if r.Broker == nil {
		return nil, fmt.Errorf("subscriptions are not available: no event broker")
	}
	start := time.Now()
	obs := r.Streams
	c := events.Converted[*T]{Conv: func(e *events.Event) (*T, bool) {
		v := memo.get(e, conv)
		return v, v != nil
	}}
	if obs != nil {
		c.Sent = func(e *events.Event) {
			if !e.CreatedAt.Before(start) {
				obs.EventSent(field, max(time.Since(e.CreatedAt), 0))
			}
		}
		c.Ended = func(error) { obs.StreamEnded(field) }
		obs.StreamStarted(field)
	}
	c.Offer = directOffer[T](ctx) // Fanout's direct delivery, when the transport allows it
	ch, err := events.SubscribeConverted(ctx, r.Broker, f, after, c)
	if err != nil {
		if obs != nil {
			obs.StreamEnded(field)
		}
		return nil, err
	}
	return tapped(ctx, ch), nil // Fanout's, when installed
}

// lastConverted remembers the conversion of the last event it saw, so the
// subscribers of a field share one value per event (the broker hands every
// subscriber the same *events.Event, one after the other). The zero value
// is ready to use; it is safe for concurrent use.
type lastConverted[T any] struct {
	mu sync.Mutex
	e  *events.Event
	v  *T
}

// get returns conv(e), computed once while e is the latest event seen.
func (m *lastConverted[T]) get(e *events.Event, conv func(*events.Event) *T) *T {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.e != e {
		m.e, m.v = e, conv(e)
	}
	return m.v
}

// lastLoaded is lastConverted for conversions that read the database and
// may fail: the subscribers of a field share the value of the last event
// one of them loaded (so Fanout can share its execution too), and a
// failed load (nil) is not remembered, so the next subscriber of that
// event tries again rather than all of them dropping it. The load runs
// with the lock held: the others wait for it instead of reading too. The
// zero value is ready to use; it is safe for concurrent use.
type lastLoaded[T any] struct {
	mu sync.Mutex
	e  *events.Event
	v  *T
}

// get returns the value loaded for e, loading it if e is not the last
// event loaded.
func (m *lastLoaded[T]) get(e *events.Event, load func() *T) *T {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.e == e {
		return m.v
	}
	v := load()
	if v != nil {
		m.e, m.v = e, v
	}
	return v
}

// stream subscribes subscription field to r's broker and converts each
// event with conv (nil = drop it) until ctx ends or the subscription does,
// telling r.Streams when it starts and ends and each event's delivery lag.
// It runs a goroutine per subscription, for conversions that read the
// database (cycleUpdated); streamDirect serves the others. The
// subscribers of the field share each event's conversion through memo
// (one read per event, not one per subscriber) and, with Fanout, its
// execution.
func stream[T any](ctx context.Context, r *Resolver, field string, f events.Filter, after int64, memo *lastLoaded[T],
	conv func(context.Context, events.Event) *T) (<-chan *T, error) {
	if r.Broker == nil {
		return nil, fmt.Errorf("subscriptions are not available: no event broker")
	}
	start := time.Now()
	sub, err := r.Broker.Subscribe(ctx, f, after)
	if err != nil {
		return nil, err
	}
	obs := r.Streams
	if obs != nil {
		obs.StreamStarted(field)
	}
	out := make(chan *T, 16)
	go func() {
		defer close(out)
		defer sub.Close()
		if obs != nil {
			defer obs.StreamEnded(field)
		}
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-sub.C:
				if !ok {
					return
				}
				v := memo.get(e, func() *T { return conv(ctx, *e) })
				if v == nil {
					continue
				}
				select {
				case out <- v:
					if obs != nil && !e.CreatedAt.Before(start) {
						obs.EventSent(field, max(time.Since(e.CreatedAt), 0))
					}
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return tapped(ctx, out), nil // Fanout's, when installed
}

func ptrJobID(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// diagnosisOf is a cycle's diagnosis as the API names it (selfcheck's
// exploit and explore picks are the strategy's and the random picks).
func diagnosisOf(d *activelearning.CycleDiagnosis) *model.CycleDiagnosis {
	out := &model.CycleDiagnosis{Sentence: d.Sentence, Labeled: d.Labeled, Needed: d.Needed,
		StrategyPicks: d.Exploit, RandomPicks: d.Explore, StrategyError: d.ExploitError, RandomError: d.ExploreError,
		HardnessRatio: d.Hardness, Rho: d.Rho, Coverage: d.Coverage, CoverageLabels: d.CoverageN,
		GainPerStrategyLabel: d.GainPerExploitLabel, GainPerRandomLabel: d.GainPerExploreLabel, GainRatio: d.GainRatio}
	if d.CoverageN > 0 {
		out.Level = &d.Level
	}
	return out
}
