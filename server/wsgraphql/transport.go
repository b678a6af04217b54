package wsgraphql

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
)

// InitFunc admits a socket from its connection_init payload (nil when the
// client sent none). It returns the context the socket's operations run
// in, derived from ctx; when that context ends the socket is closed
// (1000). A refusal is an error: a *CloseError chooses the close code,
// any other error closes with 4403. The error's text is the close reason
// (and, on legacy graphql-ws, the connection_error message).
type InitFunc func(ctx context.Context, payload transport.InitPayload) (context.Context, error)

// CloseError is an InitFunc's refusal with its websocket close code
// (graphql-ws uses 4401 unauthorized, 4403 forbidden, 4429 too many
// requests; 4500 is an internal error).
type CloseError struct {
	// Code is the close code, 4000-4999 for the application.
	Code int
	// Err is the reason, sent to the client.
	Err error
}

func (e *CloseError) Error() string { return e.Err.Error() }
func (e *CloseError) Unwrap() error { return e.Err }

// Config configures a Transport. Zero durations disable what they time.
type Config struct {
	// CheckOrigin decides whether an upgrade request's Origin is allowed
	// (gorilla's same-origin check when nil); a refused one gets 403.
	CheckOrigin func(r *http.Request) bool
	// Init admits a socket at connection_init (every socket is admitted
	// when nil).
	Init InitFunc
	// InitTimeout is how long a new socket may take to send
	// connection_init before it is closed (4408).
	InitTimeout time.Duration
	// PingInterval is how often every admitted socket gets a keep-alive:
	// "ping" on graphql-transport-ws (clients answer pong; a missing pong
	// is tolerated, as hand-written clients often ignore pings), "ka" on
	// legacy graphql-ws. One timer serves all sockets.
	PingInterval time.Duration
	// ReadLimit bounds one client message in bytes (1 MiB when 0); a
	// larger one closes the socket with 1009.
	ReadLimit int64
	// WriteTimeout bounds each write, so a peer that reads nothing cannot
	// hold a sender (10 s when 0).
	WriteTimeout time.Duration
	// OnError, when set, is told of read and write errors other than a
	// normal close (for debug logs).
	OnError func(ctx context.Context, err error)
}

// Transport is a gqlgen transport for GraphQL over websockets, speaking
// graphql-transport-ws and legacy graphql-ws. It is safe for concurrent
// use; create it with New.
type Transport struct {
	cfg      Config
	upgrader websocket.Upgrader

	mu       sync.Mutex
	sockets  map[*socket]struct{}
	closing  bool // Close was called: no new sockets
	pinging  bool // the keep-alive goroutine runs
	shutdown chan struct{}
	wg       sync.WaitGroup // readers and operations
}

var _ graphql.Transport = (*Transport)(nil)

// Default limits.
const (
	defaultReadLimit    = 1 << 20
	defaultWriteTimeout = 10 * time.Second
	// readBufferSize is gorilla's read buffer per socket: clients send
	// little (init, subscribe); a longer message takes more reads.
	readBufferSize = 512
	// writeBufferSize is the size of the pooled buffers writes borrow.
	writeBufferSize = 4096
)

// writeBuffers is shared by every Transport: a socket holds a write
// buffer only while it writes a message.
var writeBuffers = &sync.Pool{}

// New returns a Transport with cfg.
func New(cfg Config) *Transport {
	if cfg.ReadLimit == 0 {
		cfg.ReadLimit = defaultReadLimit
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = defaultWriteTimeout
	}
	return &Transport{
		cfg: cfg,
		upgrader: websocket.Upgrader{
			// gqlgen's order: a client offering both gets graphql-ws.
			Subprotocols:     []string{ProtocolGraphQLWS, ProtocolGraphQLTransportWS},
			CheckOrigin:      cfg.CheckOrigin,
			HandshakeTimeout: 10 * time.Second,
			// A buffer size and a pool of our own: gorilla then keeps no
			// reference to net/http's hijacked 4 KB reader and writer.
			ReadBufferSize:  readBufferSize,
			WriteBufferSize: writeBufferSize,
			WriteBufferPool: writeBuffers,
		},
		sockets:  map[*socket]struct{}{},
		shutdown: make(chan struct{}),
	}
}

// Supports reports whether r asks for a websocket upgrade.
func (t *Transport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") != ""
}

// Do upgrades the request and returns at once: the socket is served by
// one goroutine of its own (its reader), so net/http's handler goroutine,
// its buffers and the request are released. The socket's context keeps
// the request context's values but not its cancellation; it ends when the
// socket closes.
func (t *Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.mu.Lock()
	closing := t.closing
	t.mu.Unlock()
	if closing {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	conn, err := t.upgrader.Upgrade(w, r, nil) // answers a failed upgrade itself
	if err != nil {
		t.onError(r.Context(), err)
		return
	}
	conn.SetReadLimit(t.cfg.ReadLimit)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	s := &socket{t: t, conn: conn, exec: exec, ctx: ctx, cancel: cancel, raw: newRawWriter(conn.NetConn())}
	// gorilla answers pings and close frames with WriteControl; ours go
	// through the socket's writer, in order with its other frames.
	conn.SetPingHandler(func(data string) error {
		s.send(websocket.PongMessage, controlFrame([]byte(data)))
		return nil
	})
	conn.SetCloseHandler(func(code int, _ string) error {
		s.close(code, "") // echo the peer's code (RFC 6455, 5.5.1)
		return nil
	})
	if conn.Subprotocol() == ProtocolGraphQLTransportWS {
		s.proto = transportWS
	}
	if !t.add(s) {
		s.close(websocket.CloseGoingAway, "server shutting down")
		return
	}
	go s.run()
}

// add registers s and starts the keep-alives if they are not running; it
// is false after Close.
func (t *Transport) add(s *socket) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return false
	}
	t.sockets[s] = struct{}{}
	t.wg.Add(1) // s.run
	if !t.pinging && t.cfg.PingInterval > 0 {
		t.pinging = true
		go t.keepAlive()
	}
	return true
}

// remove unregisters s.
func (t *Transport) remove(s *socket) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.sockets, s)
}

// keepAlive sends every admitted socket a keep-alive each PingInterval,
// and returns once there are no sockets (add starts it again).
func (t *Transport) keepAlive() {
	tick := time.NewTicker(t.cfg.PingInterval)
	defer tick.Stop()
	var batch []*socket
	for {
		select {
		case <-tick.C:
		case <-t.shutdown:
			return
		}
		batch = batch[:0]
		t.mu.Lock()
		if len(t.sockets) == 0 {
			t.pinging = false
			t.mu.Unlock()
			return
		}
		for s := range t.sockets {
			batch = append(batch, s)
		}
		t.mu.Unlock()
		for _, s := range batch {
			s.keepAlive()
		}
		clear(batch) // let closed sockets go
	}
}

// Close stops accepting sockets and closes every open one with 1001
// (going away); their operations are cancelled. It does not wait.
func (t *Transport) Close() {
	t.mu.Lock()
	if !t.closing {
		t.closing = true
		close(t.shutdown)
	}
	open := make([]*socket, 0, len(t.sockets))
	for s := range t.sockets {
		open = append(open, s)
	}
	t.mu.Unlock()
	for _, s := range open {
		s.close(websocket.CloseGoingAway, "server shutting down")
	}
}

// Shutdown closes every socket (Close) and waits until their goroutines
// and operations have ended, or ctx ends (its error then).
func (t *Transport) Shutdown(ctx context.Context) error {
	t.Close()
	done := make(chan struct{})
	go func() { t.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Len is the number of open sockets.
func (t *Transport) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.sockets)
}

func (t *Transport) onError(ctx context.Context, err error) {
	if t.cfg.OnError == nil || err == nil || errors.Is(err, errClosed) {
		return
	}
	t.cfg.OnError(ctx, err)
}
