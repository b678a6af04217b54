package httpstatus

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRecorder: the status a handler wrote (200 when none), the body's
// size, 101 after a hijack, and the wrapped writer's Flusher through it.
func TestRecorder(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler func(w http.ResponseWriter)
		status  int
		bytes   int64
	}{
		{"nothing", func(w http.ResponseWriter) {}, 200, 0},
		{"body", func(w http.ResponseWriter) { _, _ = io.WriteString(w, "hello") }, 200, 5},
		{"status", func(w http.ResponseWriter) { w.WriteHeader(503); w.WriteHeader(200); _, _ = io.WriteString(w, "busy") }, 503, 4},
		{"flushed", func(w http.ResponseWriter) { http.NewResponseController(w).Flush(); w.WriteHeader(404) }, 200, 0},
	} {
		rw := httptest.NewRecorder()
		rec := NewRecorder(rw)
		tc.handler(rec)
		if rec.Status() != tc.status || rec.Bytes() != tc.bytes {
			t.Errorf("%s: status %d, %d bytes; want %d, %d", tc.name, rec.Status(), rec.Bytes(), tc.status, tc.bytes)
		}
		if tc.name == "flushed" && !rw.Flushed {
			t.Errorf("Flush did not reach the wrapped writer")
		}
	}

	got := make(chan int, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := NewRecorder(w)
		conn, buf, err := http.NewResponseController(rec).Hijack()
		if err != nil {
			t.Error(err)
			got <- 0
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\n")
		_ = buf.Flush()
		_ = conn.Close()
		got <- rec.Status()
	}))
	defer srv.Close()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	line, _ := bufio.NewReader(c).ReadString('\n')
	if s := <-got; s != 101 || !strings.Contains(line, "101") {
		t.Errorf("after a hijack: status %d, client read %q", s, line)
	}
}
