package wsgraphql

import (
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
)

// The socket's writer. One goroutine at a time holds the connection (the
// writer's role, s.writing): it writes its frame and then whatever was
// queued meanwhile, in order, and gives the role up. Two ways in:
//
//   - send (results through the operation's gqlresponse.Sink, pongs,
//     keep-alives) never blocks: it queues the frame behind the writer,
//     or takes the role and tries one write(2) that does not wait; a
//     frame that does not fit (the peer's receive window and our send
//     buffer are full) is finished by a goroutine started for it. So
//     graph.Fanout can write one event's result to 10,000 sockets from
//     one goroutine, and a slow peer holds no one but its own writer.
//   - write (acknowledgements, errors, complete) takes its turn in the
//     same queue and waits until its frame is written, bounded by
//     Config.WriteTimeout, as a reply should.
//
// Control frames of ours (close, pong) go through the same writer, never
// through gorilla's WriteControl, which could otherwise land between the
// parts of a frame written in two system calls. gorilla still writes one
// close frame itself, on the reader's goroutine, when a client breaks the
// protocol or sends a message over Config.ReadLimit; the socket is closed
// then, so at worst that close frame lands inside a frame already cut
// short.

// maxQueuedFrames is how many frames may wait behind a socket's writer;
// one more closes the socket (1013, try again later: graphql-ws clients
// reconnect after it, where 1008 would end them for good): a
// subscriber resumes with afterSeq, like one the event broker drops.
const maxQueuedFrames = 256

// outFrame is a frame waiting to be written: its opcode and its buffer
// (the payload after frameHeadroom), and for a write waiting for it, done,
// closed once it is written or dropped.
type outFrame struct {
	op   int
	buf  []byte
	done chan struct{}
}

// opSink is an operation's gqlresponse.Sink: its results, framed with
// its id.
type opSink struct {
	s  *socket
	id string
}

// Send frames resp and sends it without blocking.
func (o *opSink) Send(resp *graphql.Response) bool {
	buf, err := o.s.responseFrame(o.id, resp)
	if err != nil {
		o.s.t.onError(o.s.ctx, fmt.Errorf("encode response: %w", err))
		return false
	}
	return o.s.send(websocket.TextMessage, buf)
}

// send writes a frame without blocking: it queues it behind the writer,
// or takes the writer's role and writes what fits now, leaving the rest
// to a goroutine. It is false when the frame will not be written (the
// socket is closed, or is being closed for falling too far behind).
func (s *socket) send(op int, buf []byte) bool {
	s.wmu.Lock()
	if s.closed.Load() {
		s.wmu.Unlock()
		return false
	}
	if s.writing {
		if len(s.queue) >= maxQueuedFrames {
			s.wmu.Unlock()
			go s.close(websocket.CloseTryAgainLater, "too slow: messages not read")
			return false
		}
		s.queue = append(s.queue, outFrame{op: op, buf: buf})
		s.wmu.Unlock()
		return true
	}
	s.writing = true
	s.wmu.Unlock()
	if s.raw == nil { // TLS or a pipe: no write that does not wait
		go s.finish(outFrame{op: op, buf: buf})
		return true
	}
	rest, err := s.raw.try(frame(op, buf))
	if err != nil {
		s.failed(err)
		return false
	}
	if len(rest) > 0 {
		go s.finishRaw(rest)
		return true
	}
	if !s.releaseIfIdle() {
		go s.finish(outFrame{})
	}
	return true
}

// write writes a frame in its turn, after the frames queued before it,
// and waits until it is written (or dropped: the socket closed); a failed
// write closes the socket. Frames sent after it wait for it: a stream of
// results cannot keep an acknowledgement or a complete waiting.
func (s *socket) write(op int, buf []byte) {
	s.wmu.Lock()
	if s.closed.Load() {
		s.wmu.Unlock()
		return
	}
	if s.writing {
		done := make(chan struct{})
		s.queue = append(s.queue, outFrame{op: op, buf: buf, done: done})
		s.wmu.Unlock()
		<-done
		return
	}
	s.writing = true
	s.wmu.Unlock()
	s.finish(outFrame{op: op, buf: buf})
}

// finish writes f (when it has a buffer) and then the queue, blocking,
// and gives up the writer's role; the caller holds it.
func (s *socket) finish(f outFrame) {
	if f.buf != nil {
		if err := s.writeBlocking(f); err != nil {
			s.failed(err)
			return
		}
	}
	s.drain()
}

// finishRaw writes the rest of a raw frame, then the queue.
func (s *socket) finishRaw(rest []byte) {
	if err := s.raw.writeBlocking(s, rest); err != nil {
		s.failed(err)
		return
	}
	s.drain()
}

// drain writes the queue until it is empty, then gives up the writer's
// role; the caller holds it.
func (s *socket) drain() {
	for {
		s.wmu.Lock()
		if len(s.queue) == 0 || s.closed.Load() {
			s.releaseLocked()
			s.wmu.Unlock()
			return
		}
		q := s.queue
		s.queue = nil
		s.wmu.Unlock()
		for i, f := range q {
			err := s.writeBlocking(f)
			if f.done != nil {
				close(f.done)
			}
			if err != nil {
				dropFrames(q[i+1:])
				s.failed(err)
				return
			}
		}
	}
}

// releaseIfIdle gives up the writer's role when nothing is queued; false
// when frames wait (the caller still holds the role).
func (s *socket) releaseIfIdle() bool {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if len(s.queue) > 0 && !s.closed.Load() {
		return false
	}
	s.releaseLocked()
	return true
}

// releaseLocked gives up the writer's role, dropping what is queued (the
// writes waiting for their frames return); the caller holds wmu.
func (s *socket) releaseLocked() {
	dropFrames(s.queue)
	s.queue = nil
	s.writing = false
}

// dropFrames lets the writes waiting for frames of q return.
func dropFrames(q []outFrame) {
	for _, f := range q {
		if f.done != nil {
			close(f.done)
		}
	}
}

// failed gives up the writer's role after a failed write and closes the
// socket (abnormally: a close frame cannot be written either).
func (s *socket) failed(err error) {
	if !s.closed.Load() {
		s.t.onError(s.ctx, fmt.Errorf("websocket write: %w", err))
	}
	s.wmu.Lock()
	s.releaseLocked()
	s.wmu.Unlock()
	go s.close(websocket.CloseAbnormalClosure, "")
}

// writeBlocking writes one frame, waiting at most Config.WriteTimeout;
// the caller holds the writer's role.
func (s *socket) writeBlocking(f outFrame) error {
	if s.raw != nil {
		return s.raw.writeBlocking(s, frame(f.op, f.buf))
	}
	deadline := time.Now().Add(s.t.cfg.WriteTimeout)
	if f.op == websocket.TextMessage {
		_ = s.conn.SetWriteDeadline(deadline)
		return s.conn.WriteMessage(websocket.TextMessage, f.buf[frameHeadroom:])
	}
	return s.conn.WriteControl(f.op, f.buf[frameHeadroom:], deadline)
}

// acquire takes the writer's role for up to d: false when the writer did
// not give it up in time (a peer that reads nothing).
func (s *socket) acquire(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		s.wmu.Lock()
		if !s.writing {
			s.writing = true
			s.wmu.Unlock()
			return true
		}
		s.wmu.Unlock()
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// controlFrame returns a control frame's buffer (a close or a pong)
// carrying payload, cut to the 125 bytes a control frame may carry.
func controlFrame(payload []byte) []byte {
	return append(newFrameBuffer(len(payload)), payload[:min(len(payload), 125)]...)
}
