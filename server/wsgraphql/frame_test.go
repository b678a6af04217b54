package wsgraphql

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// rawPair returns a server socket that writes frames itself (writeRaw)
// and the gorilla client reading them, over TCP.
func rawPair(t *testing.T, writeTimeout time.Duration) (*socket, *websocket.Conn) {
	t.Helper()
	conns := make(chan *websocket.Conn, 1)
	up := websocket.Upgrader{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		conns <- c
	}))
	t.Cleanup(ts.Close)
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server := <-conns
	t.Cleanup(func() { server.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &socket{t: New(Config{WriteTimeout: writeTimeout}), conn: server, raw: newRawWriter(server.NetConn()), ctx: ctx, cancel: cancel}
	if s.raw == nil {
		t.Fatal("no raw connection under a TCP websocket")
	}
	return s, client
}

// numbered returns a message of n bytes numbered i.
func numbered(i, n int) []byte {
	b := []byte(strconv.Itoa(i) + ":")
	return append(b, bytes.Repeat([]byte{'x'}, max(n-len(b), 0))...)
}

// frameBuf returns msg in a frame buffer.
func frameBuf(msg []byte) []byte {
	return append(newFrameBuffer(len(msg)), msg...)
}

// readAll reads the messages numbered 0.. of sizes, in order.
func readAll(t *testing.T, client *websocket.Conn, sizes []int) {
	t.Helper()
	for i, n := range sizes {
		_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
		typ, got, err := client.ReadMessage()
		if err != nil {
			t.Fatalf("message %d (%d bytes): %v", i, n, err)
		}
		if want := numbered(i, n); typ != websocket.TextMessage || !bytes.Equal(got, want) {
			t.Fatalf("message %d: type %d, %d bytes %.20q, want %d bytes %.20q", i, typ, len(got), got, len(want), want)
		}
	}
}

// frameSizes are messages with each header length (7, 16 and 64 bits),
// and ~40 MB more than any send buffer holds.
func frameSizes() []int {
	sizes := []int{0, 1, 125, 126, 127, 65535, 65536, 70000, 1 << 20}
	for i := range 40 {
		sizes = append(sizes, 1<<20+i)
	}
	return sizes
}

// TestWriteRaw: frames written without gorilla's writer read back whole
// and in order in gorilla's reader, with each header length, when the
// client reads nothing for a while (the send buffer fills and the rest
// waits in a blocking write), written one after the other (write) or
// handed over without waiting (send, as graph.Fanout does).
func TestWriteRaw(t *testing.T) {
	for _, how := range []string{"write", "send"} {
		t.Run(how, func(t *testing.T) {
			s, client := rawPair(t, 10*time.Second)
			sizes := frameSizes()
			done := make(chan error, 1)
			go func() {
				for i, n := range sizes {
					buf := frameBuf(numbered(i, n))
					if how == "write" {
						s.write(websocket.TextMessage, buf)
					} else if !s.send(websocket.TextMessage, buf) {
						done <- errors.New("send refused a frame")
						return
					}
				}
				done <- nil
			}()
			time.Sleep(200 * time.Millisecond) // let the writes fill the buffers
			readAll(t, client, sizes)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if s.closed.Load() {
				t.Fatal("the socket closed")
			}
		})
	}
}

// TestPongBetweenFrames: a ping the client sends while the server writes
// large frames is answered with a pong between whole frames. (gorilla's
// own pong, written with WriteControl, could land between the two parts
// of a frame that did not fit in one system call; that window is too
// narrow for this test to hit it reliably, so it checks the outcome,
// not the race.)
func TestPongBetweenFrames(t *testing.T) {
	s, client := rawPair(t, 10*time.Second)
	s.conn.SetPingHandler(func(data string) error {
		s.send(websocket.PongMessage, controlFrame([]byte(data)))
		return nil
	})
	go func() { // the server's reader, which answers pings
		for {
			if _, _, err := s.conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	pongs := make(chan string, 8)
	client.SetPongHandler(func(data string) error { pongs <- data; return nil })
	sizes := frameSizes()
	go func() {
		for i, n := range sizes {
			s.write(websocket.TextMessage, frameBuf(numbered(i, n)))
		}
	}()
	time.Sleep(100 * time.Millisecond) // the server is mid-way through a frame
	if err := client.WriteControl(websocket.PingMessage, []byte("p1"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	readAll(t, client, sizes) // the pong is read (handled) between them
	select {
	case p := <-pongs:
		if p != "p1" {
			t.Fatalf("pong %q", p)
		}
	default:
		t.Fatal("no pong")
	}
}

// TestWriteRawAfterDeadline: a write deadline left on the connection that
// has passed does not fail a frame written after it.
func TestWriteRawAfterDeadline(t *testing.T) {
	s, client := rawPair(t, 100*time.Millisecond)
	_ = s.conn.NetConn().SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
	time.Sleep(50 * time.Millisecond)
	for _, m := range []string{"after", "again"} {
		s.write(websocket.TextMessage, frameBuf([]byte(m)))
		if _, b, err := client.ReadMessage(); err != nil || string(b) != m {
			t.Fatalf("read %q, %v; want %q", b, err, m)
		}
	}
	if s.closed.Load() {
		t.Fatal("the socket closed")
	}
}

// TestWriteRawTimeout: a client that reads nothing fails a blocking write
// after WriteTimeout instead of holding the writer.
func TestWriteRawTimeout(t *testing.T) {
	s, _ := rawPair(t, 300*time.Millisecond)
	big := frameBuf(numbered(0, 1<<20))
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		err = s.raw.writeBlocking(s, frame(websocket.TextMessage, append([]byte(nil), big...)))
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write to a client that reads nothing: %v, want a deadline error", err)
	}
}

// TestSendTooSlow: frames sent to a client that reads nothing queue up to
// maxQueuedFrames behind the blocked writer; the next closes the socket
// instead of queueing without end.
func TestSendTooSlow(t *testing.T) {
	s, _ := rawPair(t, 10*time.Second)
	big := numbered(0, 64<<10)
	sent := 0
	for sent < 10*maxQueuedFrames && s.send(websocket.TextMessage, frameBuf(big)) {
		sent++
	}
	if sent >= 10*maxQueuedFrames {
		t.Fatalf("%d frames of 64 KB queued for a client that reads nothing", sent)
	}
	if sent < maxQueuedFrames {
		t.Fatalf("only %d frames sent before the socket was closed", sent)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !s.closed.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the socket of a client too far behind was not closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWriteTakesItsTurn: a write (an acknowledgement, a complete) goes in
// the order it was made among frames sent without waiting, so a stream
// of results cannot keep it waiting; and it returns when the socket
// closes before its frame is written.
func TestWriteTakesItsTurn(t *testing.T) {
	s, client := rawPair(t, 10*time.Second)
	s.wmu.Lock()
	s.writing = true // a writer busy elsewhere
	s.wmu.Unlock()
	if !s.send(websocket.TextMessage, frameBuf([]byte("a1"))) {
		t.Fatal("send refused")
	}
	written := make(chan struct{})
	go func() {
		s.write(websocket.TextMessage, frameBuf([]byte("sync")))
		close(written)
	}()
	for {
		s.wmu.Lock()
		n := len(s.queue)
		s.wmu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	s.send(websocket.TextMessage, frameBuf([]byte("a2")))
	go s.drain() // the busy writer carries on
	for _, want := range []string{"a1", "sync", "a2"} {
		_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, b, err := client.ReadMessage(); err != nil || string(b) != want {
			t.Fatalf("read %q, %v; want %q", b, err, want)
		}
	}
	<-written

	// Closed before its turn: the write returns, its frame dropped.
	s.wmu.Lock()
	s.writing = true
	s.wmu.Unlock()
	returned := make(chan struct{})
	go func() {
		s.write(websocket.TextMessage, frameBuf([]byte("never")))
		close(returned)
	}()
	time.Sleep(20 * time.Millisecond)
	s.close(websocket.CloseAbnormalClosure, "")
	s.drain()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("a write queued on a closed socket did not return")
	}
}
