package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/freeport"
	"zchat/internal/wire"
)

// target is what the clients run against.
type target interface {
	frontend() string // broker endpoint for REQ sockets
	xpub() string     // proxy endpoint for SUB sockets; "" when there is none
	secure() *access  // the authenticated ports; nil when there are none
	processes() []namedPid
	stop()
}

// namedPid is a process whose resources the report shows.
type namedPid struct {
	name string
	pid  int
}

// external is a cluster someone else runs.
type external struct {
	broker, proxy string
	access        *access // nil with --open
}

func (e external) frontend() string      { return e.broker }
func (e external) xpub() string          { return e.proxy }
func (e external) secure() *access       { return e.access }
func (e external) processes() []namedPid { return nil }
func (e external) stop()                 {}

// freeEndpoint returns a loopback endpoint on a port that was free a moment
// ago, outside the standard 5555-5561 a developer's `zchat up` may use.
func freeEndpoint() (string, error) {
	return freeport.Endpoint()
}

// errNoReply is returned by ask when no reply comes in time.
var errNoReply = errors.New("no reply")

// ask sends one request on a fresh REQ socket to an open endpoint (a
// broker frontend) and decodes the reply.
func ask(endpoint, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	return askAs(auth.Open(), endpoint, service, data, timeout)
}

// askAs is ask as a client of cluster (a member endpoint).
func askAs(cluster auth.Cluster, endpoint, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return wire.Message{}, err
	}
	defer s.Close()
	s.SetLinger(0)
	if err := cluster.Client(s); err != nil {
		return wire.Message{}, err
	}
	if err := s.Connect(endpoint); err != nil {
		return wire.Message{}, err
	}
	if data == nil {
		data = map[string]any{}
	}
	frame, err := wire.Encode(wire.MsgPack, service, data, 1, float64(time.Now().UnixNano())/1e9)
	if err != nil {
		return wire.Message{}, err
	}
	if _, err := s.SendBytes(frame, 0); err != nil {
		return wire.Message{}, err
	}
	poller := zmq.NewPoller()
	poller.Add(s, zmq.POLLIN)
	polled, err := poller.Poll(timeout)
	if err != nil {
		return wire.Message{}, err
	}
	if len(polled) == 0 {
		return wire.Message{}, errNoReply
	}
	reply, err := s.RecvBytes(0)
	if err != nil {
		return wire.Message{}, err
	}
	return wire.Decode(reply, 0)
}

// fatal marks an error that ends a wait at once (a child died).
type fatal struct{ error }

// waitFor polls cond every interval until it holds, it returns a fatal
// error, ctx ends or timeout passes.
func waitFor(ctx context.Context, what string, timeout, interval time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		var f fatal
		if errors.As(err, &f) {
			return fmt.Errorf("waiting for %s: %w", what, f.error)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v waiting for %s (last error: %v)", timeout, what, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}

func dialable(endpoint string) bool {
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(endpoint, "tcp://"), 200*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
