package broker

import (
	"fmt"
	"time"

	"zchat/internal/clock"
	"zchat/internal/wire"
)

// refuser writes the broker's own replies to requests it does not
// forward: the standard error shape (status "erro", the reason in both
// description and message) in the request's encoding, under the request's
// service when it can be read, stamped with the broker's time and Lamport
// clock like any process's message.
type refuser struct {
	maxFrame int // for the text of a too-large refusal
	lamport  clock.Lamport
	now      func() time.Time
}

func (r *refuser) rateLimited(body []byte, wait time.Duration) []byte {
	return r.reply(body, fmt.Sprintf("rate limited, retry after %d ms", retryAfter(wait)))
}

func (r *refuser) tooLarge(body []byte) []byte {
	return r.reply(body, fmt.Sprintf("request too large: %d bytes, limit %d", len(body), r.maxFrame))
}

// reply encodes the refusal of body. The request is only peeked at for
// its encoding, service and clock, and the reply written without building
// maps: refusing must cost the broker far less than the flood costs its
// sender.
func (r *refuser) reply(body []byte, reason string) []byte {
	m := wire.Peek(body)
	if m.Clock > 0 {
		r.lamport.Observe(m.Clock)
	}
	service := m.Service
	if service == "" {
		service = "error"
	}
	now := float64(r.now().UnixNano()) / 1e9
	b, err := wire.EncodeError(m.Encoding, service, reason, r.lamport.Tick(), now)
	if err != nil { // not expected: strings and numbers always encode
		b, _ = wire.Encode(wire.MsgPack, "error", wire.ErrorData(reason), r.lamport.Tick(), now)
	}
	return b
}
