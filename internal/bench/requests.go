package bench

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/wire"
)

// names are the users and channels of a run: client i logs in as
// users[i]; every client posts to and reads all channels. Users and channels
// are the same in every run with the same prefix, but request ids carry run,
// a token of this run: a server answers a repeated request id from the
// original without writing anything, so ids reused by a second run against
// the same cluster would measure deduplication instead of durable writes.
type names struct {
	users    []string
	channels []string
	run      string
}

func newNames(prefix string, clients, channels int) names {
	n := names{run: strconv.FormatUint(rand.Uint64(), 36)}
	for i := range clients {
		n.users = append(n.users, prefix+"u"+strconv.Itoa(i))
	}
	for i := range channels {
		n.channels = append(n.channels, prefix+strconv.Itoa(i))
	}
	return n
}

// ownUsers are the users with the run's token in their names.
func (n names) ownUsers() names {
	users := make([]string, len(n.users))
	for i, u := range n.users {
		users[i] = u + "-" + n.run
	}
	n.users = users
	return n
}

// builder encodes the requests of one client.
type builder struct {
	names names
	self  int // index of this client's user
	size  int
	limit int
	rng   *rand.Rand
	clock uint64 // this client's Lamport clock
	seq   int
}

// build encodes one request of kind op, stamping posted text with sent.
func (b *builder) build(op Op, sent time.Time) ([]byte, error) {
	b.clock++
	data := b.data(op, sent)
	return wire.Encode(wire.MsgPack, string(op), data, b.clock, float64(sent.UnixNano())/1e9)
}

func (b *builder) data(op Op, sent time.Time) map[string]any {
	user := b.names.users[b.self]
	switch op {
	case OpPublish:
		return map[string]any{"user": user, "channel": b.channel(), "message": stampedText(sent, b.size), "request_id": b.reqID()}
	case OpMessage:
		return map[string]any{"src": user, "dst": b.peer(), "message": stampedText(sent, b.size), "request_id": b.reqID()}
	case OpHistory:
		return map[string]any{"channel": b.channel(), "limit": b.limit}
	case OpLogin:
		return map[string]any{"user": user}
	}
	return map[string]any{}
}

func (b *builder) channel() string { return b.names.channels[b.rng.IntN(len(b.names.channels))] }

// peer is another client's user (this one's when it is alone).
func (b *builder) peer() string {
	n := len(b.names.users)
	if n == 1 {
		return b.names.users[0]
	}
	return b.names.users[(b.self+1+b.rng.IntN(n-1))%n]
}

func (b *builder) reqID() string {
	b.seq++
	return fmt.Sprintf("%s-%s-%d", b.names.users[b.self], b.names.run, b.seq)
}

// reply is the part of a reply envelope the load generator reads.
type reply struct {
	Clock uint64 `msgpack:"clock"`
	Data  struct {
		Status      string `msgpack:"status"`
		Description string `msgpack:"description"`
	} `msgpack:"data"`
}

// checkReply decodes a reply and turns an "erro" status into an error; it
// returns the reply's Lamport clock.
func checkReply(frame []byte) (uint64, error) {
	var r reply
	if err := msgpack.Unmarshal(frame, &r); err != nil {
		return 0, fmt.Errorf("undecodable reply: %w", err)
	}
	switch r.Data.Status {
	case wire.StatusOK, wire.StatusSuccess:
		return r.Clock, nil
	case "":
		return r.Clock, nil // users, channels: no status needed
	}
	return r.Clock, fmt.Errorf("%s: %s", r.Data.Status, r.Data.Description)
}
