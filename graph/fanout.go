package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"activelab/auth"
	"activelab/gqlresponse"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Fanout resolves a subscription event once for every subscriber that
// would get the same result, and hands the others that result (issue 15:
// 10,000 subscribers of queueEvents; executing and marshalling the
// selection per subscriber cost ~10 us of CPU each, a third of a
// delivery). Install it with handler.Use before LoaderMiddleware, so a
// shared result skips the loaders too.
//
// # How
//
// InterceptOperation gives every subscription operation an event tap in
// its context; streamDirect (queueEvents, retrainProgress, cycleEvents)
// and stream (cycleUpdated) connect their event channel to the tap and
// hand gqlgen a channel only the tap feeds. So InterceptResponse, which runs once per event of the
// subscription, receives the event itself before gqlgen executes
// anything: it looks the event up with the subscriber's result key; the
// first subscriber to get there executes the selection as before (it
// forwards the event to gqlgen's channel and calls next) and publishes the
// response; every other subscriber of the event with the same key waits
// for it and returns it, executing nothing. The transport then only frames
// it with the subscriber's id and writes it.
//
// With a transport that gives the operation a gqlresponse.Sink (our
// websocket transport does) and a stream that shows the tap each event in
// the broker's delivery (streamDirect), the others do not even wait:
// their goroutines are not woken, and the result is written to their
// sockets by whoever publishes it (fanout_direct.go, "direct delivery").
//
// # What a result depends on (the key)
//
// The event: the value its field converted for all subscribers (one per
// event and field, see lastConverted), so two fields, or a replayed event
// and a live one, never share. The operation: its document (the request's
// whole query text), the operation's name, and the values of the
// variables the subscription field's selection uses, in arguments or
// directives at any depth; variables used only in the subscription
// field's own arguments (modelId, afterSeq) chose which events arrive and
// are left out, so subscribers resuming from different sequences still
// share. The caller: their role always (what a field shows may depend on
// it), and their user id as well when the selection reaches a field whose
// value depends on who asks ([CallerDependentFields], e.g. User.email: a
// user sees their own address, an admin everyone's).
//
// Responses with errors or extensions are not shared: each subscriber
// then executes for itself, as without Fanout. A subscriber whose
// context has ended gets nothing. Events are kept for the last
// fanoutKept results, far more than are delivered at once; a subscriber
// that falls further behind executes for itself.
type Fanout struct {
	mu    sync.Mutex
	byKey map[resultKey]*sharedResult
	ring  [fanoutKept]resultKey // keys in insertion order, for eviction
	next  int                   // ring's oldest slot

	executed, shared atomic.Uint64

	// Direct taps to flush (fanout_direct.go), and the goroutines
	// flushing them.
	flushq      chan *eventTap
	flushers    atomic.Int32
	maxFlushers int32 // GOMAXPROCS when made
}

// fanoutKept is how many (event, key) results Fanout remembers.
const fanoutKept = 4096

// CallerDependentFields are the fields, as "Type.field", whose value
// depends on who asks beyond their role. A subscription selecting any of
// them shares results only among subscribers of the same user. A resolver
// outside Query, Mutation and Subscription that reads the caller must be
// listed: TestCallerDependentFieldsListed checks it.
var CallerDependentFields = map[string]bool{
	"User.email": true, // the caller's own address, or everyone's for an admin
}

// NewFanout returns a Fanout with nothing shared yet.
func NewFanout() *Fanout {
	return &Fanout{byKey: make(map[resultKey]*sharedResult, fanoutKept), flushq: make(chan *eventTap, flushQueued),
		maxFlushers: int32(runtime.GOMAXPROCS(0))}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = (*Fanout)(nil)

// ExtensionName names the extension for gqlgen.
func (f *Fanout) ExtensionName() string { return "SubscriptionFanout" }

// Validate accepts any schema.
func (f *Fanout) Validate(graphql.ExecutableSchema) error { return nil }

// Stats returns how many subscription results were executed (by the first
// subscriber of an event with their key, or by any subscriber whose
// result could not be shared) and how many were shared (handed over
// without executing).
func (f *Fanout) Stats() (executed, shared uint64) {
	return f.executed.Load(), f.shared.Load()
}

// InterceptOperation gives a subscription its event tap.
func (f *Fanout) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		tap := &eventTap{f: f, sink: gqlresponse.SinkFrom(ctx)}
		tap.op, tap.callerDependent, tap.shareable = operationKey(oc)
		// A socket's principal is fixed when it is admitted (rechecks
		// end the socket rather than change it).
		tap.user = auth.UserFrom(ctx)
		ctx = context.WithValue(ctx, tapKey{}, tap)
	}
	return next(ctx)
}

// InterceptResponse delivers one event of a tapped subscription: a result
// shared by another subscriber when there is one for its key, else the
// result of executing it (shared with the others when it can be).
func (f *Fanout) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	tap, _ := ctx.Value(tapKey{}).(*eventTap)
	if tap == nil || tap.src == nil {
		return next(ctx) // not a subscription, or one not connected to its tap
	}
	if tap.direct {
		return f.serveDirect(ctx, tap, next)
	}
	ev, ok := tap.src.receive(ctx)
	if !ok {
		tap.src.end() // gqlgen's channel closes: next ends the stream
		return next(ctx)
	}
	key, ok := tap.key(ev)
	if !ok {
		return f.execute(ctx, tap, ev, next)
	}
	r, first := f.join(key)
	if !first {
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil
		}
		if r.resp != nil && ctx.Err() == nil {
			f.shared.Add(1)
			return r.resp
		}
		return f.execute(ctx, tap, ev, next) // the first could not share
	}
	var shared *graphql.Response
	defer func() { r.publish(shared) }() // also when next panics: the others execute then
	resp := f.execute(ctx, tap, ev, next)
	if shareable(resp) {
		// The executor reuses its buffer for the operation's next event.
		shared = &graphql.Response{Data: bytes.Clone(resp.Data)}
	}
	return resp
}

// key returns ev's result key for the tap's subscriber: false when its
// results cannot be shared (an operation that could not be keyed, no
// caller).
func (t *eventTap) key(ev any) (resultKey, bool) {
	u := t.user
	if !t.shareable || u == nil {
		return resultKey{}, false
	}
	key := resultKey{ev: ev, op: t.op, role: u.Role}
	if t.callerDependent {
		key.user = u.ID
	}
	return key, true
}

// execute has gqlgen execute ev for this subscriber.
func (f *Fanout) execute(ctx context.Context, tap *eventTap, ev any, next graphql.ResponseHandler) *graphql.Response {
	f.executed.Add(1)
	tap.src.forward(ev)
	return next(ctx)
}

// shareable reports whether resp is a plain result that every subscriber
// with the same key would have got.
func shareable(resp *graphql.Response) bool {
	return gqlresponse.Plain(resp) && len(resp.Data) > 0
}

// lookup returns key's result, or nil when no one has asked for it.
func (f *Fanout) lookup(key resultKey) *sharedResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byKey[key]
}

// join returns key's result and whether the caller is the first to ask,
// the one to execute and fill it.
func (f *Fanout) join(key resultKey) (*sharedResult, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.byKey[key]; ok {
		return r, false
	}
	if len(f.byKey) >= fanoutKept {
		delete(f.byKey, f.ring[f.next])
	}
	r := &sharedResult{done: make(chan struct{})}
	f.byKey[key] = r
	f.ring[f.next] = key
	f.next = (f.next + 1) % fanoutKept
	return r, true
}

// resultKey is what a subscription's result for an event depends on.
type resultKey struct {
	ev   any   // the event as its field converted it (a pointer)
	op   opKey // the operation and the variables its selection uses
	role store.Role
	user store.ID // the caller, when the selection depends on them
}

// opKey is a SHA-256 of what makes an operation's selection what it is.
type opKey [sha256.Size]byte

// sharedResult is one (event, key) result, final once done is closed:
// resp is nil when it could not be shared. Subscribers delivered directly
// (fanout_direct.go) wait for it as waiters instead of on done: publish
// hands the result on to them.
type sharedResult struct {
	done chan struct{}
	resp *graphql.Response

	mu      sync.Mutex
	final   bool
	waiters []*eventTap
}

// await registers t to be flushed when r is published; false when r is
// final already (t may flush now).
func (r *sharedResult) await(t *eventTap) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final {
		return false
	}
	r.waiters = append(r.waiters, t)
	return true
}

// isFinal reports whether r is published; r.resp may be read once it is.
func (r *sharedResult) isFinal() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.final
}

// publish makes resp r's result (nil: not shareable, every subscriber
// executes for itself), wakes the subscribers waiting on done and
// flushes the direct ones waiting, from the calling goroutine: one
// execution, then one write per subscriber without waking theirs.
func (r *sharedResult) publish(resp *graphql.Response) {
	r.mu.Lock()
	r.resp, r.final = resp, true
	waiters := r.waiters
	r.waiters = nil
	r.mu.Unlock()
	close(r.done)
	for _, t := range waiters {
		t.f.schedule(t)
	}
}

// operationKey returns the key of oc's document, operation name and the
// values of the variables its subscription field's selection uses, and
// whether that selection reaches a caller-dependent field. ok is false
// when the operation cannot be keyed (a variable that does not encode).
func operationKey(oc *graphql.OperationContext) (key opKey, callerDependent, ok bool) {
	if oc == nil || oc.Operation == nil {
		return key, false, false
	}
	vars := map[string]bool{}
	for _, sel := range oc.Operation.SelectionSet {
		// The subscription field's own arguments chose its events; its
		// directives and everything below it shape each result.
		switch sel := sel.(type) {
		case *ast.Field:
			directiveVariables(sel.Directives, vars)
			callerDependent = walkSelection(sel.SelectionSet, vars, map[string]bool{}) || callerDependent
		default:
			callerDependent = walkSelection(ast.SelectionSet{sel}, vars, map[string]bool{}) || callerDependent
		}
	}
	h := sha256.New()
	writeString := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	writeString(oc.RawQuery)
	writeString(oc.OperationName)
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v, err := json.Marshal(oc.Variables[name])
		if err != nil {
			return key, false, false
		}
		writeString(name)
		writeString(string(v))
	}
	h.Sum(key[:0])
	return key, callerDependent, true
}

// walkSelection adds the variables set uses (in arguments and directives,
// at any depth, through fragments) to vars and reports whether it selects
// a caller-dependent field. seen holds the fragments already walked.
func walkSelection(set ast.SelectionSet, vars, seen map[string]bool) (callerDependent bool) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			directiveVariables(sel.Directives, vars)
			for _, a := range sel.Arguments {
				valueVariables(a.Value, vars)
			}
			if callerDependentField(sel) {
				callerDependent = true
			}
			callerDependent = walkSelection(sel.SelectionSet, vars, seen) || callerDependent
		case *ast.InlineFragment:
			directiveVariables(sel.Directives, vars)
			callerDependent = walkSelection(sel.SelectionSet, vars, seen) || callerDependent
		case *ast.FragmentSpread:
			directiveVariables(sel.Directives, vars)
			if sel.Definition == nil || seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			directiveVariables(sel.Definition.Directives, vars)
			callerDependent = walkSelection(sel.Definition.SelectionSet, vars, seen) || callerDependent
		}
	}
	return callerDependent
}

// callerDependentField reports whether f is one of CallerDependentFields;
// on an interface or union, whether any type's field of that name is.
func callerDependentField(f *ast.Field) bool {
	if f.ObjectDefinition == nil {
		return true // not validated: assume the worst
	}
	if f.ObjectDefinition.Kind == ast.Object {
		return CallerDependentFields[f.ObjectDefinition.Name+"."+f.Name]
	}
	for k := range CallerDependentFields {
		if strings.HasSuffix(k, "."+f.Name) {
			return true
		}
	}
	return false
}

func directiveVariables(ds ast.DirectiveList, vars map[string]bool) {
	for _, d := range ds {
		for _, a := range d.Arguments {
			valueVariables(a.Value, vars)
		}
	}
}

// valueVariables adds the variables v refers to, in lists and objects too.
func valueVariables(v *ast.Value, vars map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		vars[v.Raw] = true
		return
	}
	for _, c := range v.Children {
		valueVariables(c.Value, vars)
	}
}

type tapKey struct{}

// eventTap links a subscription's stream (set by streamDirect when the
// subscription starts) to Fanout's per-event work. Only the operation's
// goroutine uses it: gqlgen resolves the subscription field, then asks
// for one response at a time.
type eventTap struct {
	f   *Fanout
	src eventSource
	// The operation's key and caller, taken when it starts.
	shareable, callerDependent bool
	op                         opKey
	user                       *store.User

	// Direct delivery (fanout_direct.go): set when the transport gave
	// the operation a sink and its stream offers events to the tap.
	sink    gqlresponse.Sink
	direct  bool
	mu      sync.Mutex
	queue   []*pending    // the events to write, in order
	wake    chan struct{} // an event waits for the operation's goroutine
	over    bool          // the queue overflowed: the stream ends
	stopped bool          // the operation ended: nothing more is written
	busy    int           // queued events the goroutine executes, not yet done
	waiting int           // queued events waiting for a shared result
}

// eventSource is a tapped subscription's stream.
type eventSource interface {
	// receive waits for the next event: false when the stream or ctx
	// ended.
	receive(ctx context.Context) (any, bool)
	// receiveOr is receive, or woke when wake has a signal first.
	receiveOr(ctx context.Context, wake <-chan struct{}) (ev any, ok, woke bool)
	// forward hands an event receive returned to gqlgen's channel.
	forward(ev any)
	// end closes gqlgen's channel (once).
	end()
}

// tapped returns the channel to give gqlgen for a subscription reading
// in: when ctx has a Fanout's event tap, a channel only the tap feeds;
// else in itself.
func tapped[T any](ctx context.Context, in <-chan *T) <-chan *T {
	tap, _ := ctx.Value(tapKey{}).(*eventTap)
	if tap == nil || tap.src != nil {
		return in
	}
	s := &tapStream[T]{in: in, out: make(chan *T, 1)}
	tap.src = s
	return s.out
}

// tapStream is an eventSource over a channel of *T: events are the *T
// values, shared by every subscriber of an event (lastConverted).
type tapStream[T any] struct {
	in    <-chan *T
	out   chan *T // gqlgen's; holds at most the event being executed
	ended bool
}

func (s *tapStream[T]) receive(ctx context.Context) (any, bool) {
	select {
	case v, ok := <-s.in:
		if !ok {
			return nil, false
		}
		return v, true
	case <-ctx.Done():
		return nil, false
	}
}

func (s *tapStream[T]) receiveOr(ctx context.Context, wake <-chan struct{}) (any, bool, bool) {
	select {
	case v, ok := <-s.in:
		if !ok {
			return nil, false, false
		}
		return v, true, false
	case <-wake:
		return nil, true, true
	case <-ctx.Done():
		return nil, false, false
	}
}

func (s *tapStream[T]) forward(ev any) {
	select {
	case s.out <- ev.(*T):
	default: // an event gqlgen did not take (its context ended): replace it
		<-s.out
		s.out <- ev.(*T)
	}
}

func (s *tapStream[T]) end() {
	if !s.ended {
		s.ended = true
		close(s.out)
	}
}
