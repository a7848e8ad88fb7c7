package broker

import "time"

// A second client frontend (say a CURVE one whose requests carry the
// client's public key to the servers as an extra envelope frame) would be
// another socket in the relay's Poller with its own receive step: read
// the key from the message's metadata, add it as a frame after the routing
// id, then call admit like the plain frontend. Its replies would need one
// more leading frame naming the frontend to send them back to, which the
// reply step strips.

// admit forwards one request [routing id, envelope..., body] or answers it
// itself: over its connection's rate, or with a body over the servers'
// max frame. It reports whether it sent anything to the backend (a
// request it holds back was not).
func (r *relay) admit(frames [][]byte) (forwarded bool) {
	if len(frames) < 2 { // a ROUTER always adds the routing id: no body
		r.stats.Malformed.Inc()
		return false
	}
	body := frames[len(frames)-1]
	if r.limiter != nil {
		if ok, wait := r.limiter.allow(frames[0], time.Now()); !ok {
			r.stats.RateLimited.Inc()
			r.answer(frames, r.refuse.rateLimited(body, wait))
			return false
		}
	}
	if len(body) > r.maxFrame {
		r.stats.TooLarge.Inc()
		r.answer(frames, r.refuse.tooLarge(body))
		return false
	}
	if sendMessage(r.back, frames) != nil {
		r.pending = append([][]byte(nil), frames...)
		return false
	}
	r.count(frameBytes(frames))
	return true
}

// answer sends reply to the client of request with the request's
// envelope, which is what its socket expects: [id, "", reply] for a REQ's
// [id, "", body], [id, reply] for a DEALER's [id, body].
func (r *relay) answer(request [][]byte, reply []byte) {
	request[len(request)-1] = reply
	sendMessage(r.front, request)
}
