package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// Handler turns one request body into its reply body. It runs in its own
// goroutine and must always return a reply.
type Handler func(ctx context.Context, body []byte) []byte

// DrainTimeout bounds how long accepted requests may run after shutdown
// begins: long enough to finish a commit, short enough for an operator.
const DrainTimeout = 5 * time.Second

// Responder serves requests arriving on a DEALER or ROUTER socket. The
// routing envelope is every frame before the last; the reply goes back with
// the same envelope, so REQ, DEALER and broker-forwarded peers all work.
type Responder struct {
	Socket      *zmq.Socket // owned by Run from the moment it is called
	MaxInflight int
	Handle      Handler
	Log         *slog.Logger
	inflight    sync.WaitGroup
}

// Run serves until ctx is cancelled, then answers every request already
// accepted and closes the socket.
func (r *Responder) Run(ctx context.Context) error {
	defer r.Socket.Close()
	if r.MaxInflight <= 0 {
		r.MaxInflight = 1024
	}
	replies, err := newPipe(r.MaxInflight)
	if err != nil {
		return err
	}
	defer replies.Out.Close()
	err = r.loop(ctx, replies)
	r.drain(replies)
	return err
}

func (r *Responder) loop(ctx context.Context, replies *pipe) error {
	poller := zmq.NewPoller()
	poller.Add(r.Socket, zmq.POLLIN)
	poller.Add(replies.Out, zmq.POLLIN)
	sem := make(chan struct{}, r.MaxInflight)
	for ctx.Err() == nil {
		polled, err := poller.Poll(100 * time.Millisecond)
		if err != nil && !isInterrupted(err) {
			return fmt.Errorf("poll: %w", err)
		}
		for _, p := range polled {
			if p.Socket == r.Socket {
				r.receive(ctx, sem, replies.In)
			} else {
				replies.drain(r.send)
			}
		}
	}
	return nil
}

func isInterrupted(err error) bool { return errors.Is(zmq.AsErrno(err), zmq.Errno(4)) }

func (r *Responder) send(frames [][]byte) { r.Socket.SendMessageDontwait(frames) }

// receive starts a handler for every request that is waiting.
func (r *Responder) receive(ctx context.Context, sem chan struct{}, out chan<- [][]byte) {
	for {
		frames, err := r.Socket.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		sem <- struct{}{}
		r.inflight.Add(1)
		go r.serve(ctx, frames, sem, out)
	}
}

func (r *Responder) serve(ctx context.Context, frames [][]byte, sem chan struct{}, out chan<- [][]byte) {
	defer func() { <-sem; r.inflight.Done() }()
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DrainTimeout)
	defer cancel()
	envelope, body := frames[:len(frames)-1], frames[len(frames)-1]
	reply := r.Handle(hctx, body)
	out <- append(append(make([][]byte, 0, len(frames)), envelope...), reply)
}

// drain answers the requests already accepted before the socket closes.
func (r *Responder) drain(replies *pipe) {
	done := make(chan struct{})
	go func() { r.inflight.Wait(); replies.close(); close(done) }()
	deadline := time.After(DrainTimeout + time.Second)
	poller := zmq.NewPoller()
	poller.Add(replies.Out, zmq.POLLIN)
	for {
		poller.Poll(20 * time.Millisecond)
		replies.drain(r.send)
		select {
		case <-done:
			replies.drain(r.send)
			return
		case <-deadline:
			r.Log.Warn("shutdown: gave up waiting for in-flight requests")
			return
		default:
		}
	}
}
