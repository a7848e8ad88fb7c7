package broker

import (
	"time"

	"zchat/internal/zmqx"
)

// admit forwards one request [tag, routing id, envelope..., body] from f or
// answers it itself: over its connection's rate (or, on the secure
// frontend, its user's), or with a body over the servers' max frame. It
// reports whether it sent anything to the backend (a request it holds
// back was not).
func (r *relay) admit(f *frontend, frames [][]byte) (forwarded bool) {
	if len(frames) < 3 { // a ROUTER always adds the routing id: no body
		r.stats.Malformed.Inc()
		return false
	}
	body := frames[len(frames)-1]
	if ok, wait := r.allow(f, frames[0], frames[1]); !ok {
		r.stats.RateLimited.Inc()
		r.answer(f, frames, r.refuse.rateLimited(body, wait))
		return false
	}
	if len(body) > r.maxFrame {
		r.stats.TooLarge.Inc()
		r.answer(f, frames, r.refuse.tooLarge(body))
		return false
	}
	if zmqx.SendFrames(r.back, frames) != nil {
		r.pending = append([][]byte(nil), frames...)
		return false
	}
	r.count(frameBytes(frames))
	return true
}

// allow takes a token from the bucket of the request's connection and, on
// the secure frontend, from its user's, so that a user opening many
// connections gains nothing.
func (r *relay) allow(f *frontend, tag, conn []byte) (ok bool, wait time.Duration) {
	if f.conns == nil {
		return true, 0
	}
	now := time.Now()
	if f.secure {
		return take(now, f.conns.bucket(conn, now), r.keys.bucket(tag, now))
	}
	return f.conns.allow(conn, now)
}

// answer sends reply to the client of request, on the frontend it came
// through, with the request's envelope, which is what its socket expects:
// [id, "", reply] for a REQ's [id, "", body], [id, reply] for a DEALER's
// [id, body].
func (r *relay) answer(f *frontend, request [][]byte, reply []byte) {
	request[len(request)-1] = reply
	zmqx.SendFrames(f.sock, request[1:])
	f.dirty = true
}
