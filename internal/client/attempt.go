package client

import (
	"errors"
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
	"zchat/internal/zmqx"
)

// attempt sends c once and waits for the reply. Any failure after the send
// leaves the REQ socket waiting for a reply that may never come, so the
// socket is dropped and the next attempt opens a fresh one.
func (r *requester) attempt(c *call) (wire.Message, error) {
	sock, err := r.socket()
	if err != nil {
		return wire.Message{}, err
	}
	frame, err := wire.Encode(wire.MsgPack, c.service, c.data, r.clock.Tick(), now())
	if err != nil {
		return wire.Message{}, err
	}
	reply, err := r.exchange(c, sock, frame)
	if err != nil {
		r.reset()
		return wire.Message{}, err
	}
	return r.decode(c.service, reply)
}

func (r *requester) exchange(c *call, sock *zmq.Socket, frame []byte) ([]byte, error) {
	if _, err := sock.SendBytes(frame, zmq.DONTWAIT); err != nil {
		return nil, fmt.Errorf("send: %v (%w)", err, errRetry)
	}
	if err := r.await(c, sock); err != nil {
		return nil, err
	}
	frames, err := sock.RecvMessageBytes(0)
	if err != nil || len(frames) == 0 {
		return nil, fmt.Errorf("receive: %v (%w)", err, errRetry)
	}
	return frames[len(frames)-1], nil
}

// await waits until a reply may be readable, the attempt times out, the
// call's context ends or the client closes. The REQ socket's ZMQ_FD can
// announce a reply before the send returned, so readability is checked
// before each wait, and every wake-up is only a hint.
func (r *requester) await(c *call, sock *zmq.Socket) error {
	timeout := time.NewTimer(r.cfg.Timeout)
	defer timeout.Stop()
	recheck := time.NewTicker(pollSlice)
	defer recheck.Stop()
	for {
		if zmqx.Readable(sock) {
			return nil
		}
		select {
		case <-r.watch.C:
		case <-recheck.C:
		case <-timeout.C:
			return fmt.Errorf("no reply within %s (%w)", r.cfg.Timeout, errRetry)
		case <-c.ctx.Done():
			return c.ctx.Err()
		case <-r.done:
			return ErrClosed
		}
	}
}

func (r *requester) decode(service string, frame []byte) (wire.Message, error) {
	m, err := wire.Decode(frame, maxReply)
	r.clock.observeReply(m.Clock)
	if err != nil {
		return m, fmt.Errorf("%s: unreadable reply: %w", service, err)
	}
	if m.Service != service {
		r.log.Debug("reply names another service", "sent", service, "got", m.Service)
	}
	return m, nil
}

// socket returns the REQ socket, opening and connecting a fresh one if the
// last attempt dropped it.
func (r *requester) socket() (*zmq.Socket, error) {
	if r.sock != nil {
		return r.sock, nil
	}
	sock, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return nil, fmt.Errorf("REQ socket: %w", err)
	}
	if r.cfg.Secure != nil {
		if err := r.cfg.Secure.curveClient(sock, r.key); err != nil {
			_ = sock.Close()
			return nil, err
		}
	}
	if err := connect(sock, r.cfg.requestEndpoint()); err != nil {
		return nil, err
	}
	watch, err := zmqx.NewWatch(sock)
	if err != nil {
		_ = sock.Close()
		return nil, err
	}
	r.sock, r.watch = sock, watch
	return sock, nil
}

// connect sets linger 0 (closing never waits for unsent requests) and
// connects; on failure the socket is closed.
func connect(sock *zmq.Socket, endpoint string) error {
	if endpoint == "" {
		_ = sock.Close()
		return errors.New("connect: no endpoint configured")
	}
	err := sock.SetLinger(0)
	if err == nil {
		err = sock.Connect(endpoint)
	}
	if err != nil {
		_ = sock.Close()
		return fmt.Errorf("connect %s: %w", endpoint, err)
	}
	return nil
}

func (r *requester) reset() {
	if r.sock == nil {
		return
	}
	r.watch.Close()
	if err := r.sock.Close(); err != nil {
		r.log.Debug("close REQ socket", "err", err)
	}
	r.sock, r.watch = nil, nil
}

func now() float64 { return float64(time.Now().UnixNano()) / 1e9 }
