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
	maxFrame int
	lamport  clock.Lamport
	now      func() time.Time
}

func (r *refuser) rateLimited(body []byte, wait time.Duration) []byte {
	return r.reply(body, fmt.Sprintf("rate limited, retry after %d ms", retryAfter(wait)))
}

func (r *refuser) tooLarge(body []byte) []byte {
	return r.reply(body, fmt.Sprintf("request too large: %d bytes, limit %d", len(body), r.maxFrame))
}

// reply encodes the refusal of body. A body within the max frame is
// decoded with the servers' own decoder (bounded, hardened), which finds
// the sender's clock wherever it is; a larger one is only peeked at for
// its service and top-level clock.
func (r *refuser) reply(body []byte, reason string) []byte {
	m := wire.Peek(body)
	if len(body) <= r.maxFrame {
		m, _ = wire.Decode(body, r.maxFrame)
	}
	if m.Clock > 0 {
		r.lamport.Observe(m.Clock)
	}
	service := m.Service
	if service == "" {
		service = "error"
	}
	now := r.now()
	b, err := wire.Encode(m.Encoding, service, wire.ErrorData(reason), r.lamport.Tick(), float64(now.UnixNano())/1e9)
	if err != nil { // not expected: the data are strings and numbers
		b, _ = wire.Encode(wire.MsgPack, "error", wire.ErrorData(reason), r.lamport.Tick(), float64(now.UnixNano())/1e9)
	}
	return b
}
