package wsgraphql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"activelab/gqlresponse"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Close codes of graphql-transport-ws (PROTOCOL.md) beside RFC 6455's.
const (
	closeBadRequest       = 4400
	closeUnauthorized     = 4401
	closeForbidden        = 4403
	closeInitTimeout      = 4408
	closeSubscriberExists = 4409
	closeTooManyInits     = 4429
)

// errClosed is what a write to a closed socket returns.
var errClosed = errors.New("websocket closed")

// socket is one websocket: its state is kept small (issue 15: 10,000
// sockets per process). One goroutine reads (run); writes come from the
// reader, the operations, the keep-alive and graph.Fanout, through the
// socket's writer (writer.go).
type socket struct {
	t      *Transport
	conn   *websocket.Conn
	exec   graphql.GraphExecutor
	proto  protocol
	acked  atomic.Bool // connection_ack sent: operations may start
	closed atomic.Bool

	// ctx is the socket's context until connection_init, then the one
	// Config.Init returned; cancel ends the former, and so both.
	ctx    context.Context
	cancel context.CancelFunc

	// The writer (writer.go): wmu guards writing, the role of the one
	// goroutine writing to the connection, and the frames queued behind
	// it.
	wmu     sync.Mutex
	writing bool
	queue   []outFrame
	// raw writes frames to the TCP connection under conn directly
	// (frame.go); nil for any other kind of connection.
	raw *rawWriter

	mu  sync.Mutex
	ops map[string]*operation // running operations by id, made on the first
}

// operation is one running subscribe (legacy: start).
type operation struct {
	cancel context.CancelFunc
}

// run reads the socket's messages until it closes.
func (s *socket) run() {
	defer s.t.wg.Done()
	defer s.close(websocket.CloseNormalClosure, "terminated")
	if s.t.cfg.InitTimeout > 0 {
		_ = s.conn.SetReadDeadline(time.Now().Add(s.t.cfg.InitTimeout))
	}
	for {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			s.readFailed(err)
			return
		}
		m, err := decode(s.proto, data)
		if err != nil {
			s.refuse(closeBadRequest, err.Error())
			return
		}
		if !s.handle(m) {
			return
		}
	}
}

// readFailed closes the socket after a failed read: a timeout before
// connection_init closes it with 4408.
func (s *socket) readFailed(err error) {
	var ne net.Error
	if !s.acked.Load() && errors.As(err, &ne) && ne.Timeout() && !s.closed.Load() {
		s.refuse(closeInitTimeout, "connection initialisation timeout")
		return
	}
	if !s.closed.Load() && !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseNoStatusReceived, websocket.CloseGoingAway) {
		s.t.onError(s.ctx, fmt.Errorf("websocket read: %w", err))
	}
}

// handle acts on one message; it is false when the socket is done.
func (s *socket) handle(m message) bool {
	switch m.kind {
	case kindInit:
		if s.acked.Load() {
			s.refuse(closeTooManyInits, "too many initialisation requests")
			return false
		}
		return s.init(m.payload)
	case kindSubscribe:
		if !s.acked.Load() {
			s.refuse(closeUnauthorized, "unauthorized: connection_init first")
			return false
		}
		return s.start(m.id, m.payload)
	case kindComplete:
		s.mu.Lock()
		op := s.ops[m.id]
		s.mu.Unlock()
		if op != nil {
			op.cancel()
		}
	case kindPing:
		s.send(websocket.TextMessage, appendMessage(newFrameBuffer(32+len(m.payload)), typePong, "", m.payload))
	case kindPong:
	case kindTerminate:
		s.close(websocket.CloseNormalClosure, "terminated")
		return false
	}
	return true
}

// init admits the socket (Config.Init) and acknowledges it, or refuses it.
func (s *socket) init(raw json.RawMessage) bool {
	var payload transport.InitPayload
	if raw != nil {
		if err := json.Unmarshal(raw, &payload); err != nil {
			s.refuse(closeBadRequest, "invalid connection_init payload")
			return false
		}
	}
	if s.t.cfg.Init != nil {
		ctx, err := s.t.cfg.Init(s.ctx, payload)
		if err != nil {
			code := closeForbidden
			if ce := (*CloseError)(nil); errors.As(err, &ce) {
				code = ce.Code
			}
			s.refuse(code, err.Error())
			return false
		}
		s.ctx = ctx // written before any operation starts: read by them only
	}
	_ = s.conn.SetReadDeadline(time.Time{})
	s.acked.Store(true)
	s.writeMessage(typeAck, "", nil)
	if s.proto == legacyWS {
		s.writeMessage(typeKeepAlive, "", nil) // as gqlgen's transport did
	}
	// The socket ends with the context Init returned (credentials no
	// longer hold, the server shuts down).
	context.AfterFunc(s.ctx, func() { s.close(websocket.CloseNormalClosure, "terminated") })
	return true
}

// start runs a subscribe (or a query or mutation) in a goroutine of its
// own: the executor blocks in it between a subscription's events.
func (s *socket) start(id string, raw json.RawMessage) bool {
	ctx, cancel := context.WithCancel(s.ctx)
	op := &operation{cancel: cancel}
	s.mu.Lock()
	if s.ops[id] != nil {
		s.mu.Unlock()
		cancel()
		if s.proto == transportWS {
			s.refuse(closeSubscriberExists, "subscriber for "+quoteShort(id)+" already exists")
			return false
		}
		s.writeErrors(id, gqlerror.List{{Message: "an operation with id " + quoteShort(id) + " is running"}})
		return true
	}
	if s.ops == nil {
		s.ops = map[string]*operation{}
	}
	s.ops[id] = op
	s.mu.Unlock()
	s.t.wg.Add(1)
	go s.execute(ctx, op, id, raw, graphql.Now())
	return true
}

// execute parses, validates and runs one operation, sending its results,
// then complete.
func (s *socket) execute(ctx context.Context, op *operation, id string, raw json.RawMessage, start time.Time) {
	defer s.t.wg.Done()
	defer func() {
		op.cancel()
		s.mu.Lock()
		if s.ops[id] == op {
			delete(s.ops, id)
		}
		s.mu.Unlock()
	}()
	// The operation's results may be written by any goroutine that has
	// them (graph.Fanout writes a shared event's result to its every
	// subscriber), in order, without blocking.
	ctx = gqlresponse.WithSink(ctx, &opSink{s: s, id: id})
	params := &graphql.RawParams{}
	if err := decodeParams(raw, params); err != nil {
		s.writeErrors(id, gqlerror.List{{Message: "invalid json"}})
		s.writeMessage(typeComplete, id, nil)
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx = graphql.StartOperationTrace(ctx)
	oc, errs := s.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := s.exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			s.writeErrors(id, resp.Errors)
		} else {
			s.writeResponse(id, &graphql.Response{Errors: errs})
		}
		s.writeMessage(typeComplete, id, nil)
		return
	}
	ctx = graphql.WithOperationContext(ctx, oc)
	if s.dispatch(ctx, oc, id) && !s.closed.Load() {
		s.writeMessage(typeComplete, id, nil)
	}
}

// dispatch sends the operation's responses until it ends; it is false
// after a panic, reported as an error message.
func (s *socket) dispatch(ctx context.Context, oc *graphql.OperationContext, id string) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			err := oc.Recover(ctx, r)
			var gqlErr *gqlerror.Error
			if !errors.As(err, &gqlErr) {
				gqlErr = &gqlerror.Error{Message: "internal error"}
			}
			s.writeErrors(id, gqlerror.List{gqlErr})
			ok = false
		}
	}()
	responses, ctx := s.exec.DispatchOperation(ctx, oc)
	for {
		resp := responses(ctx)
		if resp == nil {
			return true
		}
		s.writeResponse(id, resp)
	}
}

// decodeParams reads a subscribe payload (numbers stay json.Number, as
// gqlgen's HTTP transports read variables).
func decodeParams(raw json.RawMessage, params *graphql.RawParams) error {
	if raw == nil {
		return errors.New("no payload")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(params)
}

// writeResponse sends a result (next; legacy data).
func (s *socket) writeResponse(id string, resp *graphql.Response) {
	buf, err := s.responseFrame(id, resp)
	if err != nil {
		s.writeErrors(id, gqlerror.List{{Message: "internal error: the response could not be encoded"}})
		s.t.onError(s.ctx, fmt.Errorf("encode response: %w", err))
		return
	}
	s.write(websocket.TextMessage, buf)
}

// responseFrame returns the frame buffer of a result message.
func (s *socket) responseFrame(id string, resp *graphql.Response) ([]byte, error) {
	return appendResponse(newFrameBuffer(len(`{"type":"","id":"","payload":}`)+len(id)+gqlresponse.Len(resp)+8), s.proto.nextType(), id, resp)
}

// appendResponse appends the message of type typ carrying resp to b:
// appendMessage(b, typ, id, gqlresponse.Append(nil, resp)), in one
// allocation for a plain result. A subscription's event is framed once
// per subscriber (graph.Fanout shares one response among them), so this
// is on the fan-out's path.
func appendResponse(b []byte, typ, id string, resp *graphql.Response) ([]byte, error) {
	b = appendHead(b, typ, id)
	b = append(b, `,"payload":`...)
	b, err := gqlresponse.Append(b, resp)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// writeErrors sends an error message: the operation failed before it ran.
func (s *socket) writeErrors(id string, errs gqlerror.List) {
	b, err := json.Marshal(errs)
	if err != nil {
		b = []byte(`[{"message":"internal error"}]`)
	}
	s.writeMessage(typeError, id, b)
}

// writeMessage sends one message and waits until it is written; a failed
// write closes the socket.
func (s *socket) writeMessage(typ, id string, payload []byte) {
	s.write(websocket.TextMessage, appendMessage(newFrameBuffer(32+len(id)+len(payload)), typ, id, payload))
}

// keepAlive sends the keep-alive of the protocol, unless the socket is not
// admitted yet or is writing (then it is evidently alive); it never waits
// (one goroutine serves every socket's keep-alives).
func (s *socket) keepAlive() {
	if !s.acked.Load() {
		return
	}
	s.wmu.Lock()
	busy := s.writing
	s.wmu.Unlock()
	if busy {
		return
	}
	typ := typeKeepAlive
	if s.proto == transportWS {
		typ = typePing
	}
	s.send(websocket.TextMessage, appendMessage(newFrameBuffer(32), typ, "", nil))
}

// refuse ends the socket for a protocol or authentication failure: legacy
// graphql-ws first gets connection_error with the reason; graphql-ws
// close codes are 4xxx, which legacy clients pass on as they are.
func (s *socket) refuse(code int, reason string) {
	if s.proto == legacyWS {
		b, _ := json.Marshal(&gqlerror.Error{Message: reason})
		s.writeMessage(typeConnectionError, "", b)
	}
	s.close(code, reason)
}

// close ends the socket once: a close frame with code and reason (none
// for 1006, abnormal closure, or when the writer does not finish within
// a second), its operations cancelled, the connection closed and
// unregistered. Frames still queued are dropped.
func (s *socket) close(code int, reason string) {
	if s.closed.Swap(true) {
		return
	}
	if code != websocket.CloseAbnormalClosure && s.acquire(time.Second) {
		msg := websocket.FormatCloseMessage(code, truncate(reason, 123))
		_ = s.writeBlocking(outFrame{op: websocket.CloseMessage, buf: controlFrame(msg)})
		s.wmu.Lock()
		s.releaseLocked()
		s.wmu.Unlock()
	}
	s.cancel()
	s.mu.Lock()
	for _, op := range s.ops { // in case Init's context is not derived from the socket's
		op.cancel()
	}
	s.mu.Unlock()
	_ = s.conn.Close()
	s.t.remove(s)
}
