package zmqx

import (
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// Options are the socket options zchat sets on long-lived sockets.
type Options struct {
	// HWM is both the send and the receive high-water mark, in messages;
	// 0 keeps libzmq's default (1000).
	HWM int
	// Linger bounds how long Close waits to flush pending messages.
	Linger time.Duration
	// Heartbeat enables ZMTP PINGs every Heartbeat.Interval; a peer
	// silent for Heartbeat.Timeout is disconnected, and peers are told to
	// drop us after Heartbeat.TTL of silence.
	Heartbeat Heartbeat
	// MaxFrame is ZMQ_MAXMSGSIZE: libzmq disconnects a peer that sends a
	// larger frame before buffering it. 0 keeps libzmq's default (no limit).
	MaxFrame int64
}

// Heartbeat configures ZMTP heartbeats; the zero value disables them.
type Heartbeat struct {
	Interval, Timeout, TTL time.Duration
}

// DefaultHeartbeat detects a dead or stopped peer within about a second.
var DefaultHeartbeat = Heartbeat{
	Interval: 250 * time.Millisecond,
	Timeout:  time.Second,
	TTL:      2 * time.Second,
}

// Bind creates a socket of type t in zctx, applies opts and binds it to
// endpoint. On error nothing is left open.
func Bind(zctx *zmq.Context, t zmq.Type, endpoint string, opts Options) (*zmq.Socket, error) {
	s, err := zctx.NewSocket(t)
	if err != nil {
		return nil, fmt.Errorf("new %v socket: %w", t, err)
	}
	if err := Apply(s, opts); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Bind(endpoint); err != nil {
		s.Close()
		return nil, fmt.Errorf("bind %v on %s: %w", t, endpoint, err)
	}
	return s, nil
}

// Apply sets opts on s.
func Apply(s *zmq.Socket, opts Options) error {
	steps := []struct {
		name string
		skip bool
		set  func() error
	}{
		{"linger", false, func() error { return s.SetLinger(opts.Linger) }},
		{"sndhwm", opts.HWM == 0, func() error { return s.SetSndhwm(opts.HWM) }},
		{"rcvhwm", opts.HWM == 0, func() error { return s.SetRcvhwm(opts.HWM) }},
		{"heartbeat_ivl", opts.Heartbeat.Interval == 0, func() error { return s.SetHeartbeatIvl(opts.Heartbeat.Interval) }},
		{"heartbeat_timeout", opts.Heartbeat.Timeout == 0, func() error { return s.SetHeartbeatTimeout(opts.Heartbeat.Timeout) }},
		{"heartbeat_ttl", opts.Heartbeat.TTL == 0, func() error { return s.SetHeartbeatTtl(opts.Heartbeat.TTL) }},
		{"maxmsgsize", opts.MaxFrame == 0, func() error { return s.SetMaxmsgsize(opts.MaxFrame) }},
	}
	for _, st := range steps {
		if st.skip {
			continue
		}
		if err := st.set(); err != nil {
			return fmt.Errorf("set %s: %w", st.name, err)
		}
	}
	return nil
}
