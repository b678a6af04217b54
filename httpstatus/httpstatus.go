// Package httpstatus records what an HTTP handler answered, for the
// access log and the request metrics (server) and the request's span
// (tracing).
package httpstatus

import (
	"bufio"
	"errors"
	"net"
	"net/http"
)

// Recorder is an http.ResponseWriter that remembers the response's status
// and size. It keeps the http.Hijacker (websockets) and http.Flusher of
// the writer it wraps, and unwraps for http.ResponseController.
type Recorder struct {
	http.ResponseWriter
	status   int
	bytes    int64
	hijacked bool
}

// NewRecorder returns a Recorder writing to w.
func NewRecorder(w http.ResponseWriter) *Recorder {
	return &Recorder{ResponseWriter: w}
}

// Status is the status the handler answered: 101 for a connection it
// hijacked (a websocket upgrade), 200 when it wrote nothing else.
func (r *Recorder) Status() int {
	switch {
	case r.hijacked:
		return http.StatusSwitchingProtocols
	case r.status == 0:
		return http.StatusOK
	}
	return r.status
}

// Hijacked reports whether the handler took the connection over.
func (r *Recorder) Hijacked() bool { return r.hijacked }

// Bytes is how many bytes of body the handler wrote.
func (r *Recorder) Bytes() int64 { return r.bytes }

// WriteHeader records the first status written.
func (r *Recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write counts the body's bytes.
func (r *Recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush implements http.Flusher when the wrapped writer does (which
// sends the header: 200 unless one was written).
func (r *Recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		if r.status == 0 {
			r.status = http.StatusOK
		}
		f.Flush()
	}
}

// Hijack implements http.Hijacker for websocket upgrades.
func (r *Recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response writer does not support hijacking")
	}
	r.hijacked = true
	return h.Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
