package fault_test

import (
	"errors"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

var errNoReply = errors.New("no reply")

// requester is a client's REQ socket with the lazy-pirate pattern: when a
// reply does not come in time the socket is thrown away (a REQ socket
// cannot send twice) and the caller may retry on a fresh one. It belongs
// to one goroutine.
type requester struct {
	endpoint string
	timeout  time.Duration
	sock     *zmq.Socket
	poller   *zmq.Poller
}

func newRequester(endpoint string, timeout time.Duration) *requester {
	return &requester{endpoint: endpoint, timeout: timeout}
}

// call sends one request and waits for its reply.
func (r *requester) call(service string, data map[string]any) (wire.Message, error) {
	if err := r.connect(); err != nil {
		return wire.Message{}, err
	}
	frame, err := wire.Encode(wire.MsgPack, service, data, 1, float64(time.Now().UnixNano())/1e9)
	if err != nil {
		return wire.Message{}, err
	}
	if _, err := r.sock.SendBytes(frame, 0); err != nil {
		r.close()
		return wire.Message{}, err
	}
	polled, err := r.poller.Poll(r.timeout)
	if err != nil || len(polled) == 0 {
		r.close()
		return wire.Message{}, errors.Join(errNoReply, err)
	}
	reply, err := r.sock.RecvBytes(0)
	if err != nil {
		r.close()
		return wire.Message{}, err
	}
	return wire.Decode(reply, 0)
}

func (r *requester) connect() error {
	if r.sock != nil {
		return nil
	}
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return err
	}
	s.SetLinger(0)
	if err := s.Connect(r.endpoint); err != nil {
		s.Close()
		return err
	}
	r.sock, r.poller = s, zmq.NewPoller()
	r.poller.Add(s, zmq.POLLIN)
	return nil
}

func (r *requester) close() {
	if r.sock != nil {
		r.sock.Close()
		r.sock, r.poller = nil, nil
	}
}
