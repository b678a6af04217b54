package wsgraphql

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"syscall"
	"time"
)

// frameHeadroom is the room a message buffer keeps before its message for
// the frame header: a server's frames are unmasked, so their header is 2,
// 4 or 10 bytes (RFC 6455, 5.2).
const frameHeadroom = 10

// newFrameBuffer returns a buffer for a message of about n bytes, empty
// after its headroom: append the message, then frame it with textFrame.
func newFrameBuffer(n int) []byte {
	return make([]byte, frameHeadroom, frameHeadroom+n)
}

// textFrame writes the header of a final, unmasked text frame carrying
// buf[frameHeadroom:] into buf's headroom and returns the frame.
func textFrame(buf []byte) []byte {
	n := len(buf) - frameHeadroom
	const finText = 0x80 | 0x1 // FIN, opcode text
	switch {
	case n < 126:
		buf[8], buf[9] = finText, byte(n)
		return buf[8:]
	case n <= 0xffff:
		buf[6], buf[7] = finText, 126
		binary.BigEndian.PutUint16(buf[8:], uint16(n))
		return buf[6:]
	default:
		buf[0], buf[1] = finText, 127
		binary.BigEndian.PutUint64(buf[2:], uint64(n))
		return buf
	}
}

// rawWriter writes frames to the connection under a TCP websocket
// (writeRaw); its fields carry one write's frame and outcome, so that
// the function handed to syscall.RawConn is made once per socket, not
// once per write.
type rawWriter struct {
	rc     syscall.RawConn
	write  func(fd uintptr) bool // w.tryWrite
	frame  []byte
	n      int
	err    error
	called bool
}

// newRawWriter returns the raw writer of a TCP websocket, or nil (TLS, a
// pipe in tests): those write through gorilla.
func newRawWriter(c net.Conn) *rawWriter {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	w := &rawWriter{rc: rc}
	w.write = w.tryWrite
	return w
}

// tryWrite is one write(2) of w.frame that does not wait: it is done
// (true) whether all, part or none of the frame fit.
func (w *rawWriter) tryWrite(fd uintptr) bool {
	w.called = true
	for {
		w.n, w.err = syscall.Write(int(fd), w.frame)
		if w.err != syscall.EINTR {
			return true
		}
	}
}

// writeRaw writes a whole frame to the socket's TCP connection; the caller
// holds wmu. It first tries one write(2) that does not wait: a socket
// whose send buffer has room (every subscriber keeping up) takes the frame
// then, without a write deadline to set, a timer to arm, or a copy into
// gorilla's buffer. What does not fit is written by a blocking write
// bounded by Config.WriteTimeout, whose deadline is cleared afterwards.
//
// Frames written so and gorilla's control frames (close, pong) cannot
// interleave: every write to the connection, ours and gorilla's, holds
// the descriptor's write lock for the whole of its bytes.
func (s *socket) writeRaw(frame []byte) error {
	w := s.raw
	w.frame, w.n, w.err, w.called = frame, 0, nil, false
	err := w.rc.Write(w.write)
	n, werr, called := w.n, w.err, w.called
	w.frame, w.err = nil, nil
	switch {
	case err != nil && !(errors.Is(err, os.ErrDeadlineExceeded) && !called):
		return err
	case werr == syscall.EAGAIN || werr == nil && n < len(frame):
		// The send buffer is full: wait for room below.
	case werr != nil:
		return werr
	case called:
		return nil // all of it
	}
	// Also here when a deadline gorilla left (a pong's, a close's) has
	// passed and refused the write before it was tried.
	rest := frame
	if werr == nil && n > 0 {
		rest = frame[n:]
	}
	c := s.conn.NetConn()
	_ = c.SetWriteDeadline(time.Now().Add(s.t.cfg.WriteTimeout))
	if _, err := c.Write(rest); err != nil {
		return err
	}
	return c.SetWriteDeadline(time.Time{})
}
