package transport

import (
	"context"
	"log/slog"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/zmqx"
)

// Handler turns one request body into its reply body. It runs in its own
// goroutine and must always return a reply.
type Handler func(ctx context.Context, body []byte) []byte

// EnvelopeHandler is a Handler that also reads the request's envelope
// (every frame before the body), for a server whose peer states facts
// about the request there: the broker puts a tag in frame 0 (see
// internal/server). The envelope goes back with the reply as received:
// the handler must not change it.
type EnvelopeHandler func(ctx context.Context, envelope [][]byte, body []byte) []byte

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
	// HandleEnvelope, if set, answers instead of Handle.
	HandleEnvelope EnvelopeHandler
	Log            *slog.Logger
	inflight       sync.WaitGroup
}

// Run serves until ctx is cancelled, then answers every request already
// accepted and closes the socket.
func (r *Responder) Run(ctx context.Context) error {
	defer r.Socket.Close()
	if r.MaxInflight <= 0 {
		r.MaxInflight = 1024
	}
	watch, err := zmqx.NewWatch(r.Socket)
	if err != nil {
		return err
	}
	defer watch.Close()
	// Room for every request in flight: a handler never waits to hand over
	// its reply.
	replies := make(chan [][]byte, r.MaxInflight)
	r.loop(ctx, watch, replies)
	r.drain(replies)
	return nil
}

// recheck bounds how long a lost ZMQ_FD edge could delay a request; with
// the loop's rules none is lost, so this is only a safety net.
const recheck = 100 * time.Millisecond

// loop receives requests and sends replies, one goroutine owning the
// socket. It looks for requests before every wait, because sending a reply
// may consume the edge that announced one.
func (r *Responder) loop(ctx context.Context, watch *zmqx.Watch, replies chan [][]byte) {
	sem := make(chan struct{}, r.MaxInflight)
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		r.receive(ctx, sem, replies)
		select {
		case <-ctx.Done():
			return
		case <-watch.C:
		case <-tick.C:
		case frames := <-replies:
			r.send(frames)
			takeReady(replies, r.send)
		}
	}
}

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
	var reply []byte
	if r.HandleEnvelope != nil {
		reply = r.HandleEnvelope(hctx, envelope, body)
	} else {
		reply = r.Handle(hctx, body)
	}
	out <- append(append(make([][]byte, 0, len(frames)), envelope...), reply)
}

// drain answers the requests already accepted before the socket closes.
func (r *Responder) drain(replies <-chan [][]byte) {
	done := make(chan struct{})
	go func() { r.inflight.Wait(); close(done) }()
	deadline := time.After(DrainTimeout + time.Second)
	for {
		select {
		case frames := <-replies:
			r.send(frames)
		case <-done:
			takeReady(replies, r.send)
			return
		case <-deadline:
			r.Log.Warn("shutdown: gave up waiting for in-flight requests")
			return
		}
	}
}
