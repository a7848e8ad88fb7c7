package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// frontend owns the DEALER socket connected to the broker's backend. Many
// requests are in flight at once: each is handled in its own goroutine and
// its reply comes back to this goroutine through an inproc PUSH/PULL pair,
// because a libzmq socket must only be used by the goroutine that owns it.
type frontend struct {
	endpoint    string
	maxInflight int
	handle      func(ctx context.Context, frame []byte) Outcome
	publish     chan<- Publication
	log         *slog.Logger
	inflight    sync.WaitGroup
}

var inprocSeq atomic.Int64

// drainTimeout bounds how long in-flight requests may run after shutdown
// begins: long enough to finish a commit, short enough for an operator.
const drainTimeout = 5 * time.Second

func (f *frontend) run(ctx context.Context) error {
	dealer, err := f.dial()
	if err != nil {
		return err
	}
	defer dealer.Close()
	addr := fmt.Sprintf("inproc://server-replies-%d", inprocSeq.Add(1))
	pull, err := bindPull(addr)
	if err != nil {
		return err
	}
	defer pull.Close()
	replies := make(chan [][]byte, f.maxInflight)
	senderDone := make(chan error, 1)
	go func() { senderDone <- pushReplies(addr, replies) }()
	err = f.loop(ctx, dealer, pull, replies)
	f.drain(dealer, pull, replies, senderDone)
	return err
}

func (f *frontend) dial() (*zmq.Socket, error) {
	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return nil, fmt.Errorf("frontend socket: %w", err)
	}
	setLiveness(s)
	s.SetRcvhwm(100000)
	s.SetSndhwm(100000)
	if err := s.Connect(f.endpoint); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect broker %s: %w", f.endpoint, err)
	}
	return s, nil
}

// setLiveness makes a dead peer visible within about a second, so a broker
// restart is followed by a reconnect instead of a silent stall.
func setLiveness(s *zmq.Socket) {
	s.SetLinger(time.Second)
	s.SetReconnectIvl(100 * time.Millisecond)
	s.SetReconnectIvlMax(time.Second)
	s.SetHeartbeatIvl(250 * time.Millisecond)
	s.SetHeartbeatTimeout(time.Second)
	s.SetHeartbeatTtl(2 * time.Second)
}

func bindPull(addr string) (*zmq.Socket, error) {
	s, err := zmq.NewSocket(zmq.PULL)
	if err != nil {
		return nil, fmt.Errorf("reply socket: %w", err)
	}
	s.SetRcvhwm(0)
	if err := s.Bind(addr); err != nil {
		s.Close()
		return nil, fmt.Errorf("bind %s: %w", addr, err)
	}
	return s, nil
}

// pushReplies owns the PUSH end of the reply pipe.
func pushReplies(addr string, replies <-chan [][]byte) error {
	push, err := zmq.NewSocket(zmq.PUSH)
	if err != nil {
		return err
	}
	defer push.Close()
	push.SetSndhwm(0)
	push.SetLinger(time.Second)
	if err := push.Connect(addr); err != nil {
		return err
	}
	for frames := range replies {
		if _, err := push.SendMessage(frames); err != nil {
			return err
		}
	}
	return nil
}

func (f *frontend) loop(ctx context.Context, dealer, pull *zmq.Socket, replies chan<- [][]byte) error {
	poller := zmq.NewPoller()
	poller.Add(dealer, zmq.POLLIN)
	poller.Add(pull, zmq.POLLIN)
	sem := make(chan struct{}, f.maxInflight)
	for ctx.Err() == nil {
		polled, err := poller.Poll(100 * time.Millisecond)
		if err != nil && !isInterrupted(err) {
			return fmt.Errorf("poll: %w", err)
		}
		for _, p := range polled {
			if p.Socket == dealer {
				f.receive(ctx, dealer, sem, replies)
			} else {
				forward(pull, dealer)
			}
		}
	}
	return nil
}

func isInterrupted(err error) bool { return errors.Is(zmq.AsErrno(err), zmq.Errno(4)) }

// receive takes every request that is waiting and starts a handler for each.
func (f *frontend) receive(ctx context.Context, dealer *zmq.Socket, sem chan struct{}, replies chan<- [][]byte) {
	for {
		frames, err := dealer.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		if len(frames) == 0 {
			continue
		}
		sem <- struct{}{}
		f.inflight.Add(1)
		go f.serve(ctx, frames, sem, replies)
	}
}

// serve handles one request. The routing envelope is every frame before the
// body; the reply goes back with the same envelope.
func (f *frontend) serve(ctx context.Context, frames [][]byte, sem chan struct{}, replies chan<- [][]byte) {
	defer func() { <-sem; f.inflight.Done() }()
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	envelope, body := frames[:len(frames)-1], frames[len(frames)-1]
	out := f.handle(hctx, body)
	if out.Publication != nil {
		f.publish <- *out.Publication
	}
	reply := make([][]byte, 0, len(frames))
	replies <- append(append(reply, envelope...), out.Reply)
}

// forward moves every waiting reply from the pipe to the broker.
func forward(pull, dealer *zmq.Socket) {
	for {
		frames, err := pull.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		dealer.SendMessage(frames)
	}
}

// drain answers the requests already accepted before the socket closes.
func (f *frontend) drain(dealer, pull *zmq.Socket, replies chan [][]byte, senderDone <-chan error) {
	done := make(chan struct{})
	go func() { f.inflight.Wait(); close(replies) }()
	go func() { <-senderDone; close(done) }()
	deadline := time.After(drainTimeout + time.Second)
	for {
		select {
		case <-done:
			forwardUntilQuiet(pull, dealer)
			return
		case <-deadline:
			f.log.Warn("shutdown: gave up waiting for in-flight requests")
			return
		default:
			forwardWait(pull, dealer)
		}
	}
}

func forwardWait(pull, dealer *zmq.Socket) {
	poller := zmq.NewPoller()
	poller.Add(pull, zmq.POLLIN)
	if polled, _ := poller.Poll(20 * time.Millisecond); len(polled) > 0 {
		forward(pull, dealer)
	}
}

func forwardUntilQuiet(pull, dealer *zmq.Socket) {
	for range 5 {
		forwardWait(pull, dealer)
	}
}
