package broker

import (
	"context"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/metrics"
	"zchat/internal/zmqx"
)

// maxFrames bounds the frames of one message the loop keeps: a request is
// [routing id, "", body] from a REQ and [routing id, body] from a DEALER;
// anything past a few envelope frames is not a client of ours.
const maxFrames = 16

// batch is how many messages the loop moves in one direction before it
// turns to the other, so that neither starves.
const batch = 256

// recheck bounds the wait for a lost ZMQ_FD signal (see zmqx.Poller);
// with the loop's rules none is lost, so this is only a safety net.
const recheck = 100 * time.Millisecond

// relay is the broker's forwarding loop. The goroutine that calls run owns
// both sockets until it returns.
//
// Replies go from the backend to the frontend untouched. Requests go the
// other way through admit (admit.go), which may answer them itself.
type relay struct {
	front, back *zmq.Socket
	maxFrame    int
	limiter     *limiter // nil: no rate limit
	refuse      refuser
	stats       *metrics.Broker

	pending [][]byte // a request the backend could not take yet
	in      [][]byte // receive buffer, reused
	fwdMsgs int      // forwarded since the last flush
	fwdSize int
}

func newRelay(front, back *zmq.Socket, limits Limits, stats *metrics.Broker) *relay {
	return &relay{
		front: front, back: back, maxFrame: limits.MaxFrame,
		limiter: newLimiter(limits.RatePerSecond, limits.Burst, maxTracked),
		refuse:  refuser{maxFrame: limits.MaxFrame, now: time.Now},
		stats:   stats, in: make([][]byte, 0, maxFrames),
	}
}

// run forwards until ctx is done. It looks at both sockets before every
// wait, because any call on a socket may consume the ZMQ_FD edge that
// announced a message.
func (r *relay) run(ctx context.Context) error {
	poller, err := zmqx.NewPoller(ctx, r.front, r.back)
	if err != nil {
		return err
	}
	defer poller.Close()
	for ctx.Err() == nil {
		if !r.pass() {
			poller.Wait(recheck)
		}
	}
	return nil
}

// pass moves what is ready and reports whether the loop must look again
// before it may wait. A socket is clean when the last call on it was a
// receive that found nothing, which re-arms its ZMQ_FD signal; sending on
// it may consume that signal, so it makes the socket dirty again. The loop
// waits only when both sockets are clean, or when a request is held back
// and a readiness query of the backend (which re-arms it too) says it can
// take nothing and has nothing. Tracking which socket is dirty spares the
// receive that would only find nothing (a system call inside libzmq) on
// the socket nothing was done to.
func (r *relay) pass() bool {
	defer r.flush()
	frontDirty, backDirty := true, true
	for range maxRounds {
		if backDirty {
			replied, drained := r.replies()
			backDirty, frontDirty = !drained, frontDirty || replied > 0
		}
		if frontDirty || r.pending != nil {
			forwarded, drained := r.requests()
			frontDirty, backDirty = !drained, backDirty || forwarded > 0
		}
		if r.pending != nil {
			ev, err := r.back.GetEvents()
			return err == nil && ev&(zmq.POLLIN|zmq.POLLOUT) != 0
		}
		if !frontDirty && !backDirty {
			return false
		}
	}
	return true
}

// maxRounds bounds a pass, so that the loop sees ctx between passes.
const maxRounds = 16

// replies forwards replies from the servers to the clients. drained is
// true when it stopped because none was left.
func (r *relay) replies() (replied int, drained bool) {
	for ; replied < batch; replied++ {
		frames, size, err := recvMessage(r.back, r.in, maxFrames)
		if err == errTooManyFrames {
			continue
		}
		if err != nil {
			return replied, true
		}
		sendMessage(r.front, frames) // a client that left is dropped by the ROUTER
		r.count(size)
	}
	return replied, false
}

// requests admits requests from the clients; forwarded counts those sent
// to the backend, and drained is true when it stopped because none was
// left. While the backend cannot take a request (no server connected, or
// all full) it is held and the frontend is not read: requests wait in the
// ROUTER's queue, up to its high-water mark, as they did behind libzmq's
// proxy.
func (r *relay) requests() (forwarded int, drained bool) {
	for n := 0; n < batch; n++ {
		if r.pending != nil {
			if sendMessage(r.back, r.pending) != nil {
				return forwarded, false
			}
			r.count(frameBytes(r.pending))
			r.pending = nil
			forwarded++
			continue
		}
		frames, _, err := recvMessage(r.front, r.in, maxFrames)
		if err == errTooManyFrames {
			r.stats.Malformed.Inc()
			continue
		}
		if err != nil {
			return forwarded, true
		}
		if r.admit(frames) {
			forwarded++
		}
	}
	return forwarded, false
}

func (r *relay) count(size int) {
	r.fwdMsgs++
	r.fwdSize += size
}

// flush reports the counts gathered since the last flush.
func (r *relay) flush() {
	if r.fwdMsgs > 0 {
		r.stats.Forwarded.ObserveBatch(r.fwdMsgs, r.fwdSize)
		r.fwdMsgs, r.fwdSize = 0, 0
	}
	if r.limiter != nil {
		r.stats.Tracked.Set(float64(r.limiter.tracked()))
	}
}

func frameBytes(frames [][]byte) int {
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	return n
}
