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
	s, _, err := BindSide(zctx, Side{Type: t, Endpoint: endpoint}, opts) // unsecured: closing is Close
	return s, err
}

// Side is one bound socket of a component: its type, its endpoint and who
// may connect to it.
type Side struct {
	Type     zmq.Type
	Endpoint string
	Secure   Secure // nil: the side is open to anyone
}

// Secure prepares a socket, before it binds, to accept only the peers it
// should (auth.Cluster.Server is one); release undoes what it set up and
// is called once the socket is closed.
type Secure func(s *zmq.Socket) (release func(), err error)

// BindSide creates side's socket in zctx, secures it (if side.Secure is
// set), applies opts and binds it. closeSide closes the socket, then
// releases what securing it set up. On error nothing is left open.
func BindSide(zctx *zmq.Context, side Side, opts Options) (s *zmq.Socket, closeSide func(), err error) {
	s, err = zctx.NewSocket(side.Type)
	if err != nil {
		return nil, nil, fmt.Errorf("new %v socket: %w", side.Type, err)
	}
	release := func() {}
	if side.Secure != nil {
		if release, err = side.Secure(s); err != nil {
			s.Close()
			return nil, nil, fmt.Errorf("secure %v on %s: %w", side.Type, side.Endpoint, err)
		}
	}
	closeSide = func() { s.Close(); release() }
	if err := Apply(s, opts); err != nil {
		closeSide()
		return nil, nil, err
	}
	if err := s.Bind(side.Endpoint); err != nil {
		closeSide()
		return nil, nil, fmt.Errorf("bind %v on %s: %w", side.Type, side.Endpoint, err)
	}
	return s, closeSide, nil
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
