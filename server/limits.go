package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"activelab/auth"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeOverloaded is the extensions.code of a request shed because
// Config.MaxInFlight requests were being served for Config.QueueTimeout
// (HTTP 503 with Retry-After).
const CodeOverloaded = "OVERLOADED"

// uploadReadTimeout replaces Config.ReadTimeout for multipart uploads,
// which may be large (--max-upload-bytes) over a slow link.
const uploadReadTimeout = 10 * time.Minute

// connLimitListener closes, at once, a connection from a client address
// (addrKey: IP, IPv6 /64) that already holds max open connections, so
// slow clients cannot take every connection the process can hold.
type connLimitListener struct {
	net.Listener
	max int

	mu   sync.Mutex
	open map[string]int
	// refused counts connections closed at accept.
	refused atomic.Int64
}

func newConnLimitListener(ln net.Listener, max int) *connLimitListener {
	return &connLimitListener{Listener: ln, max: max, open: map[string]int{}}
}

// Accept returns the next connection within its address's cap.
func (l *connLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := addrKey(c.RemoteAddr().String())
		l.mu.Lock()
		if l.open[key] >= l.max {
			l.mu.Unlock()
			l.refused.Add(1)
			_ = c.Close()
			continue
		}
		l.open[key]++
		l.mu.Unlock()
		return &limitedConn{Conn: c, release: func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.open[key]--; l.open[key] <= 0 {
				delete(l.open, key)
			}
		}}, nil
	}
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// inFlight bounds the requests served at once. A request waits up to
// wait for a slot, then is shed: 503, Retry-After, OVERLOADED. A client
// that leaves while waiting is answered 499 and not counted as an error.
type inFlight struct {
	slots chan struct{}
	wait  time.Duration
	// shed counts requests answered 503.
	shed atomic.Int64
}

func newInFlight(n int, wait time.Duration) *inFlight {
	return &inFlight{slots: make(chan struct{}, n), wait: wait}
}

func (f *inFlight) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" { // websockets have their own caps
			next.ServeHTTP(w, r)
			return
		}
		select {
		case f.slots <- struct{}{}:
		default:
			t := time.NewTimer(f.wait)
			select {
			case f.slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				f.shed.Add(1)
				w.Header().Set("Retry-After", "1")
				writeGraphQLError(w, r, http.StatusServiceUnavailable, CodeOverloaded,
					"the server is busy: try again in a second (--max-in-flight)")
				return
			case <-r.Context().Done():
				t.Stop()
				w.WriteHeader(StatusClientClosedRequest)
				return
			}
		}
		defer func() { <-f.slots }()
		next.ServeHTTP(w, r)
	})
}

// socketCaps caps the websockets per user and the subscriptions per
// websocket (Config.MaxSocketsPerUser, MaxSubscriptionsPerSocket), and
// bounds a query or mutation sent over a websocket by opTimeout
// (Config.RequestTimeout), as HTTP requests are.
type socketCaps struct {
	maxSockets, maxSubs int
	opTimeout           time.Duration

	mu      sync.Mutex
	sockets map[store.ID]int

	// socketsRefused and subsRefused count refusals past the caps.
	socketsRefused, subsRefused atomic.Int64
}

type socketSubsKey struct{}

// open counts a new websocket of user for as long as ctx lives, or
// refuses it; it returns ctx carrying the socket's subscription count.
func (c *socketCaps) open(ctx context.Context, user store.ID) (context.Context, error) {
	c.mu.Lock()
	if c.sockets[user] >= c.maxSockets {
		c.mu.Unlock()
		c.socketsRefused.Add(1)
		return ctx, &auth.ThrottledError{RetryAfter: time.Second,
			Reason: fmt.Sprintf("this user already has %d websockets open (--max-sockets-per-user)", c.maxSockets)}
	}
	c.sockets[user]++
	c.mu.Unlock()
	context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.sockets[user]--; c.sockets[user] <= 0 {
			delete(c.sockets, user)
		}
	})
	return context.WithValue(ctx, socketSubsKey{}, new(atomic.Int64)), nil
}

// operations is the operation middleware that refuses a subscription past
// the socket's cap (TOO_MANY_REQUESTS) and counts it until it ends.
func (c *socketCaps) operations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	subs, _ := ctx.Value(socketSubsKey{}).(*atomic.Int64)
	oc := graphql.GetOperationContext(ctx)
	if subs == nil || oc.Operation == nil {
		return next(ctx) // not on a websocket: HTTP has its own deadline
	}
	if oc.Operation.Operation != ast.Subscription {
		ctx, cancel := context.WithTimeout(ctx, c.opTimeout)
		context.AfterFunc(ctx, cancel) // ends with the operation at the latest
		responses := next(ctx)
		answered := false
		return func(rctx context.Context) *graphql.Response {
			resp := responses(rctx)
			if resp == nil && !answered && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				// gqlgen ends an operation whose context ended silently.
				resp = &graphql.Response{Errors: gqlerror.List{{
					Message:    "the operation took too long and was cancelled (--request-timeout)",
					Extensions: map[string]any{"code": CodeTimeout},
				}}}
			}
			answered = answered || resp != nil
			return resp
		}
	}
	if subs.Add(1) > int64(c.maxSubs) {
		subs.Add(-1)
		c.subsRefused.Add(1)
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    fmt.Sprintf("this websocket already runs %d subscriptions (--max-subscriptions-per-socket): complete one first", c.maxSubs),
			Extensions: map[string]any{"code": CodeTooManyRequests},
		}}})
	}
	var once sync.Once
	context.AfterFunc(ctx, func() { once.Do(func() { subs.Add(-1) }) })
	return next(ctx)
}
