package client

import (
	"context"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// apply changes the socket's subscriptions, or its key. ZeroMQ keeps one
// subscription per topic here: subscribing twice is a no-op, unsubscribing
// removes it.
func (s *subscriber) apply(op subOp) error {
	if op.rekey != nil {
		s.key = *op.rekey
		return s.reopen()
	}
	if s.conn == nil {
		return errReopen
	}
	switch {
	case op.on && s.topics.add(op.topic):
		return s.conn.sock.SetSubscribe(op.topic)
	case !op.on && s.topics.remove(op.topic):
		return s.conn.sock.SetUnsubscribe(op.topic)
	}
	return nil
}

// receive reads one publication and delivers it when its topic is exactly
// subscribed. It returns false when the client closes while delivering.
func (s *subscriber) receive() bool {
	frames, err := s.conn.sock.RecvMessageBytes(zmq.DONTWAIT)
	if err != nil {
		return true
	}
	m, ok := parsePublication(frames, s.topics, s.conn.private)
	if !ok {
		s.log.Debug("dropped publication", "topic", string(frames[0]), "frames", len(frames))
		return true
	}
	if s.clock.observePublication(m.Clock) {
		s.log.Debug("publication clock far ahead of ours, counted only up to the maximum jump", "topic", m.Topic, "clock", m.Clock)
	}
	if m.Time.IsZero() {
		m.Time = time.Now()
	}
	return s.deliver(m)
}

// deliver waits for the reader of Messages, still applying subscription
// changes meanwhile so that a reader that subscribes never deadlocks.
func (s *subscriber) deliver(m Message) bool {
	for {
		select {
		case s.out <- m:
			return true
		case op := <-s.ops:
			op.done <- s.apply(op)
		case <-s.done:
			return false
		}
	}
}

// event reads one monitor event and signals handshakes.
func (s *subscriber) event(mon *zmq.Socket) {
	ev, addr, _, err := mon.RecvEvent(zmq.DONTWAIT)
	if err != nil {
		return
	}
	switch ev {
	case zmq.EVENT_HANDSHAKE_SUCCEEDED:
		s.handshakes++
		level := slog.LevelDebug
		if s.handshakes > 1 {
			level = slog.LevelInfo
		}
		s.log.Log(context.Background(), level, "connected to proxy", "addr", addr, "connections", s.handshakes)
		s.signal()
	case zmq.EVENT_DISCONNECTED:
		s.log.Warn("disconnected from proxy", "addr", addr)
	}
}

func (s *subscriber) signal() {
	select {
	case s.connects <- struct{}{}:
	default:
	}
}
