package server

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
)

// gorillaWebsocket implements gqlgen's transport.WebsocketImplementation with
// gorilla/websocket (gqlgen dropped its own gorilla support in v0.17.92).
// Subprotocols are negotiated in gqlgen's order; a client that offers none
// of them gets no subprotocol, which gqlgen treats as legacy graphql-ws.
type gorillaWebsocket struct {
	// checkOrigin decides whether the upgrade request's Origin is allowed.
	checkOrigin func(r *http.Request) bool
	// writeTimeout bounds each write so a stuck peer cannot block senders.
	writeTimeout time.Duration
}

var _ transport.WebsocketImplementation = gorillaWebsocket{}

// Accept upgrades the request; a cross-origin request gets 403 from gorilla
// (the server's middleware normally refuses it before this point).
func (g gorillaWebsocket) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	up := websocket.Upgrader{
		Subprotocols:      opts.Subprotocols,
		CheckOrigin:       g.checkOrigin,
		EnableCompression: false,
		HandshakeTimeout:  10 * time.Second,
	}
	c, err := up.Upgrade(w, r, opts.ResponseHeader)
	if err != nil {
		return nil, err
	}
	return &gorillaConn{c: c, writeTimeout: g.writeTimeout}, nil
}

// gorillaConn adapts *websocket.Conn to transport.WebsocketConn. gorilla
// allows one concurrent writer, so writes are serialised here.
type gorillaConn struct {
	c            *websocket.Conn
	writeTimeout time.Duration
	mu           sync.Mutex
}

var (
	_ transport.WebsocketConn          = (*gorillaConn)(nil)
	_ transport.WebsocketReadLimiter   = (*gorillaConn)(nil)
	_ transport.WebsocketReadDeadliner = (*gorillaConn)(nil)
)

// Close closes the underlying network connection.
func (g *gorillaConn) Close() error { return g.c.Close() }

// NextReader returns the next data message; a normal close by the peer is
// transport.ErrWebsocketClosed, as gqlgen expects.
func (g *gorillaConn) NextReader() (int, io.Reader, error) {
	t, r, err := g.c.NextReader()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseNoStatusReceived) {
			return t, nil, transport.ErrWebsocketClosed
		}
		return t, nil, err
	}
	return t, r, nil
}

// WriteJSON sends v as one text message.
func (g *gorillaConn) WriteJSON(v any) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.writeTimeout > 0 {
		_ = g.c.SetWriteDeadline(time.Now().Add(g.writeTimeout))
	}
	return g.c.WriteJSON(v)
}

// WriteClose sends a close frame with the code and reason (truncated to the
// 123 bytes a control frame allows).
func (g *gorillaConn) WriteClose(code int, message string) error {
	if len(message) > 123 {
		message = message[:123]
	}
	deadline := time.Now().Add(time.Second)
	err := g.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, message), deadline)
	if errors.Is(err, websocket.ErrCloseSent) {
		return nil
	}
	return err
}

// Subprotocol is the negotiated subprotocol ("" when none).
func (g *gorillaConn) Subprotocol() string { return g.c.Subprotocol() }

// SetReadLimit bounds the size of one incoming message.
func (g *gorillaConn) SetReadLimit(limit int64) { g.c.SetReadLimit(limit) }

// SetReadDeadline sets the deadline for the next read (zero clears it).
func (g *gorillaConn) SetReadDeadline(t time.Time) error { return g.c.SetReadDeadline(t) }
