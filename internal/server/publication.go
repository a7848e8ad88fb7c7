package server

import (
	"errors"

	"zchat"
	"zchat/internal/wire"
)

var errHistoryTarget = errors.New(`history needs exactly one of "channel" or "user"`)

// eventFields is the standard view of a post or private message, shared by
// publications and history replies so both show the same thing.
func eventFields(ev zchat.Event) map[string]any {
	f := map[string]any{"id": ev.ID(), "message": ev.Text, "timestamp": ev.Time, "clock": ev.Clock}
	if ev.Kind == zchat.KindPost {
		f["user"] = ev.User
		f["channel"] = ev.Target
	} else {
		f["src"] = ev.User
		f["dst"] = ev.Target
	}
	return f
}

// publication is the two-frame message for an accepted event: topic is the
// channel (posts) or the recipient (private messages); a claimed
// recipient's messages go to its owner's private topic instead, which the
// proxy delivers only to connections authenticated with that key.
func (h *Handler) publication(ev zchat.Event) *Publication {
	payload, err := wire.EncodePublication(eventFields(ev), ev.Clock, ev.Time)
	if err != nil {
		h.Log.Error("encode publication", "id", ev.ID(), "err", err)
		return nil
	}
	return &Publication{Topic: h.topic(ev), Payload: payload}
}

func (h *Handler) topic(ev zchat.Event) string {
	if ev.Kind == zchat.KindPrivate {
		if key, claimed := h.Store.Owner(ev.Target); claimed {
			return wire.PrivateTopic(key)
		}
	}
	return ev.Target
}
