package server

import (
	"context"
	"errors"
	"time"

	"zchat"
	"zchat/internal/wire"
)

func (h *Handler) publish(ctx context.Context, caller Caller, m wire.Message) (map[string]any, *zchat.Event) {
	user, err := h.name(m, "user", "user")
	if err != nil {
		return h.failure(err), nil
	}
	channel, err := h.name(m, "channel", "channel")
	if err != nil {
		return h.failure(err), nil
	}
	if err := mayActAs(h.Store.Owner, caller, user); err != nil {
		return h.failure(err), nil
	}
	return h.accept(ctx, m, zchat.KindPost, user, channel)
}

func (h *Handler) message(ctx context.Context, caller Caller, m wire.Message) (map[string]any, *zchat.Event) {
	src, err := h.name(m, "src", "user")
	if err != nil {
		return h.failure(err), nil
	}
	dst, err := h.name(m, "dst", "user")
	if err != nil {
		return h.failure(err), nil
	}
	if err := mayActAs(h.Store.Owner, caller, src); err != nil {
		return h.failure(err), nil
	}
	return h.accept(ctx, m, zchat.KindPrivate, src, dst)
}

// accept stores a post or private message and returns the event to publish
// (none for a retried request already stored).
func (h *Handler) accept(ctx context.Context, m wire.Message, kind zchat.Kind, user, target string) (map[string]any, *zchat.Event) {
	text, err := m.String("message")
	if err != nil {
		return h.failure(err), nil
	}
	if err := h.Limits.CheckMessage(text); err != nil {
		return h.failure(invalid(err)), nil
	}
	c, err := h.submit(ctx, h.command(kind, user, target, text, m))
	if err == nil {
		err = h.replicated(ctx, c)
	}
	if err != nil {
		return h.failure(err), nil
	}
	data := map[string]any{"status": wire.StatusOK, "id": c.Event.ID()}
	if c.Duplicate {
		return data, nil
	}
	return data, &c.Event
}

// history answers channel history to anyone, and private messages as
// mayReadPrivate allows.
func (h *Handler) history(ctx context.Context, caller Caller, m wire.Message) (map[string]any, *zchat.Event) {
	q, err := historyQuery(m)
	if err != nil {
		return h.failure(err), nil
	}
	if q.User != "" {
		if err := mayReadPrivate(h.Store.Owner, caller, q.User, q.Peer); err != nil {
			return h.failure(err), nil
		}
	}
	events, err := h.Store.History(ctx, q)
	if err != nil {
		return h.failure(err), nil
	}
	msgs := make([]map[string]any, len(events))
	for i, ev := range events {
		msgs[i] = eventFields(ev)
	}
	return map[string]any{"status": wire.StatusOK, "messages": msgs}, nil
}

func historyQuery(m wire.Message) (zchat.HistoryQuery, error) {
	var q zchat.HistoryQuery
	var err error
	fields := []struct {
		name string
		dst  *string
	}{{"channel", &q.Channel}, {"user", &q.User}, {"peer", &q.Peer}, {"before", &q.Before}, {"after", &q.After}}
	for _, f := range fields {
		if *f.dst, err = m.OptString(f.name); err != nil {
			return q, err
		}
	}
	if (q.Channel == "") == (q.User == "") {
		return q, invalid(errHistoryTarget)
	}
	limit, err := m.OptInt("limit", 100)
	if err != nil {
		return q, err
	}
	q.Limit = int(min(max(limit, 1), 1000))
	return q, nil
}

// refreshTimeout bounds the pull from the peers that a channel creation, or
// a request naming an unknown channel or user, triggers.
const refreshTimeout = 300 * time.Millisecond

// submit stores cmd. When it names a channel or user this replica does not
// know, it pulls from the live peers once and tries again: the broker may
// have sent the creation to another server a moment ago, and the client
// must not be told that what the cluster acknowledged does not exist.
func (h *Handler) submit(ctx context.Context, cmd zchat.Command) (zchat.Committed, error) {
	c, err := h.Store.Submit(ctx, cmd)
	if h.Replicator == nil || !(errors.Is(err, zchat.ErrNoSuchChannel) || errors.Is(err, zchat.ErrNoSuchUser)) {
		return c, err
	}
	h.refresh(ctx)
	return h.Store.Submit(ctx, cmd)
}

// refresh pulls from the live peers once, at most refreshTimeout.
func (h *Handler) refresh(ctx context.Context) {
	if h.Replicator == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	h.Replicator.Refresh(ctx)
}
