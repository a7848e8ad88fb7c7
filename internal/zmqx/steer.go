package zmqx

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	zmq "github.com/pebbe/zmq4"
)

var controlSeq atomic.Uint64

// Steer runs libzmq's steerable proxy between front and back (both created
// in zctx and owned by the calling goroutine for the duration) until ctx is
// done or the proxy fails. A helper goroutine owns the sending end of an
// inproc control pair and sends TERMINATE when ctx is done; Steer returns
// only after that goroutine has closed its socket. A nil error means ctx
// ended the proxy.
func Steer(ctx context.Context, zctx *zmq.Context, front, back *zmq.Socket) error {
	return SteerObserved(ctx, zctx, front, back, nil)
}

// SteerObserved is Steer that also calls observe with the size in bytes of
// every message the proxy forwards, in either direction (see startCapture).
// A nil observe captures nothing.
func SteerObserved(ctx context.Context, zctx *zmq.Context, front, back *zmq.Socket, observe func(bytes int)) error {
	var capture *zmq.Socket
	if observe != nil {
		c, stop, err := startCapture(zctx, observe)
		if err != nil {
			return err
		}
		defer stop()
		capture = c
	}
	return steer(ctx, zctx, front, back, capture)
}

func steer(ctx context.Context, zctx *zmq.Context, front, back, capture *zmq.Socket) error {
	endpoint := fmt.Sprintf("inproc://zmqx-steer-%d", controlSeq.Add(1))
	recv, err := Bind(zctx, zmq.PAIR, endpoint, Options{Linger: 0})
	if err != nil {
		return err
	}
	defer recv.Close()
	send, err := zctx.NewSocket(zmq.PAIR)
	if err != nil {
		return fmt.Errorf("new control socket: %w", err)
	}
	if err := connectControl(send, endpoint); err != nil {
		send.Close()
		return err
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go terminateOnDone(ctx, send, stop, done) // send is owned by it from here
	err = zmq.ProxySteerable(front, back, capture, recv)
	close(stop)
	<-done
	if err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	return nil
}

func connectControl(s *zmq.Socket, endpoint string) error {
	if err := s.SetLinger(0); err != nil {
		return fmt.Errorf("set linger: %w", err)
	}
	if err := s.SetSndtimeo(time.Second); err != nil {
		return fmt.Errorf("set sndtimeo: %w", err)
	}
	if err := s.Connect(endpoint); err != nil {
		return fmt.Errorf("connect control: %w", err)
	}
	return nil
}

// terminateOnDone owns send: it sends TERMINATE when ctx is done, or just
// closes the socket when the proxy stopped by itself (stop closed).
func terminateOnDone(ctx context.Context, send *zmq.Socket, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer send.Close()
	select {
	case <-ctx.Done():
		_, _ = send.Send("TERMINATE", 0)
	case <-stop:
	}
}
