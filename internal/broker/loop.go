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
// every socket until it returns.
//
// Requests go from a frontend to the backend through admit (admit.go),
// which may answer them itself, with a tag in front naming where they came
// from (frontend.go); replies go back to the frontend their tag names,
// without it.
type relay struct {
	open   *frontend
	secure *frontend   // nil: no secure frontend
	fronts []*frontend // open, then secure if any
	back   *zmq.Socket
	keys   *limiter // a bucket per user key on the secure frontend; nil: no rate limit

	maxFrame int
	refuse   refuser
	stats    *metrics.Broker

	pending   [][]byte // a request the backend could not take yet
	in        [][]byte // receive buffer, reused: [tag, frames...]
	backDirty bool     // the backend may have replies the loop has not looked for
	fwdMsgs   int      // forwarded since the last flush
	fwdSize   int
}

// newRelay joins open (and secure, if not nil) to back.
func newRelay(open, secure, back *zmq.Socket, limits Limits, stats *metrics.Broker) *relay {
	conns := func() *limiter { return newLimiter(limits.RatePerSecond, limits.Burst, maxTracked) }
	r := &relay{
		open: &frontend{sock: open, conns: conns()}, back: back, maxFrame: limits.MaxFrame,
		refuse: refuser{maxFrame: limits.MaxFrame, now: time.Now},
		stats:  stats, in: make([][]byte, 0, maxFrames+1),
	}
	r.fronts = []*frontend{r.open}
	if secure != nil {
		r.secure = &frontend{sock: secure, secure: true, conns: conns()}
		r.keys = conns()
		r.fronts = append(r.fronts, r.secure)
	}
	return r
}

// run forwards until ctx is done. It looks at every socket before every
// wait, because any call on a socket may consume the ZMQ_FD edge that
// announced a message.
func (r *relay) run(ctx context.Context) error {
	socks := []*zmq.Socket{r.back}
	for _, f := range r.fronts {
		socks = append(socks, f.sock)
	}
	poller, err := zmqx.NewPoller(ctx, socks...)
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
// waits only when every socket is clean, or when a request is held back
// and a readiness query of the backend (which re-arms it too) says it can
// take nothing and has nothing. Tracking which socket is dirty spares the
// receive that would only find nothing (a system call inside libzmq) on
// the sockets nothing was done to: an idle secure frontend costs the open
// one's traffic nothing.
func (r *relay) pass() bool {
	defer r.flush()
	r.backDirty = true
	for _, f := range r.fronts {
		f.dirty = true
	}
	for range maxRounds {
		if r.backDirty {
			r.backDirty = !r.replies()
		}
		for _, f := range r.fronts {
			if f.dirty || r.pending != nil {
				f.dirty = !r.requests(f)
			}
		}
		if r.pending != nil {
			ev, err := r.back.GetEvents()
			return err == nil && ev&(zmq.POLLIN|zmq.POLLOUT) != 0
		}
		if !r.backDirty && !r.anyFrontDirty() {
			return false
		}
	}
	return true
}

func (r *relay) anyFrontDirty() bool {
	for _, f := range r.fronts {
		if f.dirty {
			return true
		}
	}
	return false
}

// maxRounds bounds a pass, so that the loop sees ctx between passes.
const maxRounds = 16

// replies forwards replies from the servers to the clients, each to the
// frontend its tag names, and reports whether it stopped because none was
// left. A reply without a routable tag (a server's bug: servers return
// the envelope untouched) is dropped and counted.
func (r *relay) replies() (drained bool) {
	for range batch {
		frames, size, err := zmqx.RecvFrames(r.back, r.in, maxFrames+1)
		if err == zmqx.ErrTooManyFrames {
			r.stats.BadReplies.Inc()
			continue
		}
		if err != nil {
			return true
		}
		f := r.frontendOf(frames[0])
		if f == nil || len(frames) < 3 { // tag, routing id, body
			r.stats.BadReplies.Inc()
			continue
		}
		zmqx.SendFrames(f.sock, frames[1:]) // a client that left is dropped by the ROUTER
		f.dirty = true
		r.count(size)
	}
	return false
}

// requests admits requests from the clients of f and reports whether it
// stopped because none was left. While the backend cannot take a request
// (no server connected, or all full) it is held and no frontend is read:
// requests wait in the ROUTERs' queues, up to their high-water mark, as
// they did behind libzmq's proxy.
func (r *relay) requests(f *frontend) (drained bool) {
	for range batch {
		if r.pending != nil {
			if zmqx.SendFrames(r.back, r.pending) != nil {
				return false
			}
			r.count(frameBytes(r.pending))
			r.pending = nil
			r.backDirty = true
			continue
		}
		frames, err := f.recv(r.in)
		switch err {
		case nil:
		case zmqx.ErrTooManyFrames, errNoUserKey:
			r.stats.Malformed.Inc()
			continue
		default:
			return true
		}
		if r.admit(f, frames) {
			r.backDirty = true
		}
	}
	return false
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
	if r.open.conns == nil {
		return
	}
	conns := 0
	for _, f := range r.fronts {
		conns += f.conns.tracked()
	}
	r.stats.Tracked.Set(float64(conns))
	if r.keys != nil {
		r.stats.TrackedUsers.Set(float64(r.keys.tracked()))
	}
}

func frameBytes(frames [][]byte) int {
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	return n
}
