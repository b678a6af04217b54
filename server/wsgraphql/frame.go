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
// after its headroom: append the message, then frame it with frame.
func newFrameBuffer(n int) []byte {
	return make([]byte, frameHeadroom, frameHeadroom+n)
}

// frame writes the header of a final, unmasked frame of opcode op
// (websocket.TextMessage, CloseMessage, PongMessage...) carrying
// buf[frameHeadroom:] into buf's headroom and returns the frame.
func frame(op int, buf []byte) []byte {
	n := len(buf) - frameHeadroom
	first := 0x80 | byte(op) // FIN, opcode
	switch {
	case n < 126:
		buf[8], buf[9] = first, byte(n)
		return buf[8:]
	case n <= 0xffff:
		buf[6], buf[7] = first, 126
		binary.BigEndian.PutUint16(buf[8:], uint16(n))
		return buf[6:]
	default:
		buf[0], buf[1] = first, 127
		binary.BigEndian.PutUint64(buf[2:], uint64(n))
		return buf
	}
}

// rawWriter writes frames to the connection under a TCP websocket
// itself, without gorilla's writer: a frame that fits in the socket's
// send buffer (every subscriber that keeps up) takes one write(2),
// without a write deadline to set, a timer to arm, or a copy into
// gorilla's buffer. Only the socket's writer uses it (writer.go), so its
// frames and our control frames cannot interleave. Its fields carry one write's frame and outcome, so that
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

// try writes what of a frame fits now, in one write(2) that does not
// wait, and returns the rest (empty when all of it was written). The
// caller holds the socket's writer's role.
func (w *rawWriter) try(frame []byte) (rest []byte, err error) {
	w.frame, w.n, w.err, w.called = frame, 0, nil, false
	err = w.rc.Write(w.write)
	n, werr, called := w.n, w.err, w.called
	w.frame, w.err = nil, nil
	switch {
	case err != nil && !(errors.Is(err, os.ErrDeadlineExceeded) && !called):
		return nil, err
	case !called:
		// A deadline left by an earlier blocking write has passed and
		// refused the write before it was tried: nothing written.
		return frame, nil
	case werr == syscall.EAGAIN:
		return frame, nil // the send buffer is full
	case werr != nil:
		return nil, werr
	default:
		return frame[n:], nil
	}
}

// writeBlocking writes a whole frame: what fits now without waiting
// (try), the rest by a blocking write bounded by Config.WriteTimeout,
// whose deadline is cleared afterwards. The caller holds the socket's
// writer's role.
func (w *rawWriter) writeBlocking(s *socket, frame []byte) error {
	rest, err := w.try(frame)
	if err != nil || len(rest) == 0 {
		return err
	}
	c := s.conn.NetConn()
	_ = c.SetWriteDeadline(time.Now().Add(s.t.cfg.WriteTimeout))
	if _, err := c.Write(rest); err != nil {
		return err
	}
	return c.SetWriteDeadline(time.Time{})
}
