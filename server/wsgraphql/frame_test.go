package wsgraphql

import (
	"bytes"
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
	s := &socket{t: New(Config{WriteTimeout: writeTimeout}), conn: server, raw: newRawWriter(server.NetConn())}
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

// frame returns msg in a frame buffer.
func frame(msg []byte) []byte {
	return append(newFrameBuffer(len(msg)), msg...)
}

// TestWriteRaw: frames written without gorilla's writer read back whole
// in gorilla's reader, with each header length (7, 16 and 64 bits), and
// when the client reads nothing for a while (the socket's send buffer
// fills and the rest waits in a blocking write).
func TestWriteRaw(t *testing.T) {
	s, client := rawPair(t, 10*time.Second)
	sizes := []int{0, 1, 125, 126, 127, 65535, 65536, 70000, 1 << 20}
	for i := range 40 { // ~40 MB more than any send buffer holds
		sizes = append(sizes, 1<<20+i)
	}
	done := make(chan error, 1)
	go func() {
		for i, n := range sizes {
			if err := s.writeFrameLocked(frame(numbered(i, n))); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	time.Sleep(200 * time.Millisecond) // let the writes fill the buffers
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
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestWriteRawAfterGorillaDeadline: a write deadline gorilla leaves on
// the connection (WriteControl sets one for a pong or a close) does not
// fail a frame written after it has passed, nor the frames after the
// WriteTimeout of the write that got past it has passed too.
func TestWriteRawAfterGorillaDeadline(t *testing.T) {
	s, client := rawPair(t, 100*time.Millisecond)
	if err := s.conn.WriteControl(websocket.PongMessage, []byte("p"), time.Now().Add(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	got := make(chan string, 1)
	client.SetPongHandler(func(string) error { return nil })
	go func() {
		_, b, err := client.ReadMessage()
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(b)
	}()
	if err := s.writeFrameLocked(frame([]byte("after"))); err != nil {
		t.Fatalf("write after gorilla's deadline passed: %v", err)
	}
	if m := <-got; m != "after" {
		t.Fatalf("read %q", m)
	}
	time.Sleep(150 * time.Millisecond) // past the WriteTimeout of that write
	for _, m := range []string{"again", "and again"} {
		if err := s.writeFrameLocked(frame([]byte(m))); err != nil {
			t.Fatalf("write %q: %v", m, err)
		}
		if _, b, err := client.ReadMessage(); err != nil || string(b) != m {
			t.Fatalf("read %q, %v; want %q", b, err, m)
		}
	}
}

// TestWriteRawTimeout: a client that reads nothing fails the write after
// WriteTimeout instead of holding the writer.
func TestWriteRawTimeout(t *testing.T) {
	s, _ := rawPair(t, 300*time.Millisecond)
	big := frame(numbered(0, 1<<20))
	start := time.Now()
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		err = s.writeFrameLocked(append([]byte(nil), big...))
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write to a client that reads nothing: %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("took %v", d)
	}
}
