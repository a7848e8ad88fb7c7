package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"

	"zchat"
	"zchat/internal/clock"
	"zchat/internal/wire"
)

// Store is what the handler needs from storage.
type Store interface {
	Submit(ctx context.Context, cmd zchat.Command) (zchat.Committed, error)
	Users() ([]string, error)
	Channels() ([]string, error)
	History(ctx context.Context, q zchat.HistoryQuery) ([]zchat.Event, error)
	Owner(name string) (key string, claimed bool)
}

// Replicator decides when an accepted event may be acknowledged.
// WaitReplicated applies the --sync-replicas policy to posts and private
// messages; WaitSettled lets logins and channel creations reach the live
// peers first (bounded, never failing), so that a user's next request,
// served by another server, already sees them. Refresh pulls from the
// live peers once, for a request that names what this replica lacks.
type Replicator interface {
	WaitReplicated(ctx context.Context, ev zchat.Event) error
	WaitSettled(ctx context.Context, ev zchat.Event)
	Refresh(ctx context.Context)
}

// Publication is one message for the proxy: [Topic, Payload].
type Publication struct {
	Topic   string
	Payload []byte
}

// Outcome is what handling one request produced: the reply frame and, for
// accepted posts and private messages, one publication.
type Outcome struct {
	Reply       []byte
	Publication *Publication
	Service     string // the request's service and the reply's status, for metrics
	Status      string
}

// Handler answers client requests. It is safe for concurrent use.
type Handler struct {
	Name       string
	Store      Store
	Replicator Replicator
	Lamport    *clock.Lamport
	Physical   *clock.Physical
	Limits     zchat.Limits
	Log        *slog.Logger
	Extensions map[string]Service // extra services (status, ...) keyed by name
	// AccessKey is the public half of the access key (auth.AccessKey) that
	// `auth_key` hands to clients; "" when the cluster runs without a key
	// and accounts are off.
	AccessKey string

	clamped atomic.Uint64 // client clocks the jump rule clamped, for status
}

// Service handles one request of caller whose envelope is already decoded.
// It returns the reply data and optionally an event to publish.
type Service func(ctx context.Context, caller Caller, m wire.Message) (map[string]any, *zchat.Event)

// Handle decodes one request frame of caller and always produces a reply.
func (h *Handler) Handle(ctx context.Context, caller Caller, frame []byte) Outcome {
	m, err := wire.Decode(frame, h.Limits.MaxFrame)
	h.observeClient(m.Clock)
	if err != nil {
		return h.reply(m, wire.ErrorData(err.Error()), nil)
	}
	svc := h.service(m.Service)
	if svc == nil {
		return h.reply(m, wire.ErrorData(fmt.Sprintf("unknown service %q", m.Service)), nil)
	}
	data, ev := svc(ctx, caller, m)
	return h.reply(m, data, ev)
}

func (h *Handler) service(name string) Service {
	switch name {
	case "login":
		return h.login
	case "users":
		return h.users
	case "channel":
		return h.channel
	case "channels":
		return h.channels
	case "publish":
		return h.publish
	case "message":
		return h.message
	case "history":
		return h.history
	case "auth_key":
		return h.authKey
	}
	return h.Extensions[name]
}

// reply encodes the reply after the publication, so that a client that sees
// its OK and then subscribes to history never misses its own message.
func (h *Handler) reply(m wire.Message, data map[string]any, ev *zchat.Event) Outcome {
	out := Outcome{Service: m.Service}
	out.Status, _ = data["status"].(string)
	if ev != nil {
		out.Publication = h.publication(*ev)
	}
	data["server"] = h.Name
	b, err := wire.Encode(m.Encoding, replyService(m), data, h.Lamport.Tick(), h.Physical.Seconds())
	if err != nil {
		h.Log.Error("encode reply", "service", m.Service, "err", err)
		b, _ = wire.Encode(m.Encoding, replyService(m), wire.ErrorData("internal error"), h.Lamport.Now(), h.Physical.Seconds())
	}
	out.Reply = b
	return out
}

func replyService(m wire.Message) string {
	if m.Service == "" {
		return "error"
	}
	return m.Service
}

// failure turns an error into the standard error reply data, keeping
// internal details out of user-facing text: an unexpected error (storage,
// replication) may name files, peers or SQL, so the client gets only a
// short random reference, which the error log line carries beside the full
// error for an operator to find.
func (h *Handler) failure(err error) map[string]any {
	var fe *wire.FieldError
	switch {
	case errors.As(err, &fe), isDomainError(err):
		return wire.ErrorData(err.Error())
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return wire.ErrorData("request timed out on the server: " + err.Error())
	}
	ref := fmt.Sprintf("%08x", rand.Uint32())
	h.Log.Error("request failed", "ref", ref, "err", err)
	return wire.ErrorData("internal error (ref " + ref + ")")
}

func isDomainError(err error) bool {
	for _, d := range []error{zchat.ErrChannelExists, zchat.ErrNoSuchChannel, zchat.ErrNoSuchUser, zchat.ErrBadCursor,
		zchat.ErrClaimed, zchat.ErrConfusable, zchat.ErrPrivate, errInvalid} {
		if errors.Is(err, d) {
			return true
		}
	}
	return false
}

// errInvalid marks input that breaks a limit.
var errInvalid = errors.New("invalid request")
