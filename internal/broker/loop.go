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

// recheck bounds the wait of a lost ZMQ_FD edge (see zmqx.Watch); with the
// loop's rules none is lost, so this is only a safety net.
const recheck = 100 * time.Millisecond

// relay is the broker's forwarding loop. The goroutine that calls run owns
// both sockets until it returns.
//
// Replies go from the backend to the frontend untouched. Requests go the
// other way through admit, which may answer them itself. A second client
// frontend (say a CURVE one whose requests carry the client's key to the
// servers as an extra envelope frame) would be another socket watched here
// with its own receive step that adds that frame and then calls admit; its
// replies would come back with one more leading frame naming the frontend
// to send them to.
type relay struct {
	front, back *zmq.Socket
	maxFrame    int
	limiter     *limiter // nil: no rate limit
	refuse      refuser
	stats       *metrics.Broker
	now         func() time.Time

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
		stats:   stats, now: time.Now,
		in: make([][]byte, 0, maxFrames),
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

// pass moves what is ready, up to a batch each way, and reports whether
// the loop must look again before it may wait. When nothing moved, the
// last call on each socket was a receive that found nothing (which
// re-arms its edge), or, with a request held back, a readiness query of
// the backend (which does too).
func (r *relay) pass() bool {
	moved := r.replies() + r.requests()
	r.flush()
	if moved > 0 {
		return true
	}
	if r.pending == nil {
		return false
	}
	ev, err := r.back.GetEvents()
	return err == nil && ev&(zmq.POLLIN|zmq.POLLOUT) != 0
}

// replies forwards replies from the servers to the clients.
func (r *relay) replies() int {
	for n := 0; n < batch; n++ {
		frames, size, err := recvMessage(r.back, r.in, maxFrames)
		if err == errTooManyFrames {
			continue
		}
		if err != nil {
			return n
		}
		sendMessage(r.front, frames) // a client that left is dropped by the ROUTER
		r.count(size)
	}
	return batch
}

// requests admits requests from the clients. While the backend cannot
// take a request (no server connected, or all full) it is held and the
// frontend is not read: requests wait in the ROUTER's queue, up to its
// high-water mark, as they did behind libzmq's proxy.
func (r *relay) requests() int {
	for n := 0; n < batch; n++ {
		if r.pending != nil {
			if sendMessage(r.back, r.pending) != nil {
				return n
			}
			r.count(frameBytes(r.pending))
			r.pending = nil
			continue
		}
		frames, _, err := recvMessage(r.front, r.in, maxFrames)
		if err == errTooManyFrames {
			r.stats.Malformed.Inc()
			continue
		}
		if err != nil {
			return n
		}
		r.admit(frames)
	}
	return batch
}

// admit forwards one request [routing id, envelope..., body] or answers it
// itself: over its connection's rate, or with a body over the servers'
// max frame.
func (r *relay) admit(frames [][]byte) {
	if len(frames) < 2 { // a ROUTER always adds the routing id: no body
		r.stats.Malformed.Inc()
		return
	}
	body := frames[len(frames)-1]
	if r.limiter != nil {
		if ok, wait := r.limiter.allow(frames[0], r.now()); !ok {
			r.stats.RateLimited.Inc()
			r.answer(frames, r.refuse.rateLimited(body, wait))
			return
		}
	}
	if len(body) > r.maxFrame {
		r.stats.TooLarge.Inc()
		r.answer(frames, r.refuse.tooLarge(body))
		return
	}
	if sendMessage(r.back, frames) != nil {
		r.pending = append([][]byte(nil), frames...)
		return
	}
	r.count(frameBytes(frames))
}

// answer sends reply to the client of request with the request's
// envelope, which is what its socket expects: [id, "", reply] for a REQ's
// [id, "", body], [id, reply] for a DEALER's [id, body].
func (r *relay) answer(request [][]byte, reply []byte) {
	request[len(request)-1] = reply
	sendMessage(r.front, request)
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
