package server

import (
	"context"
	"fmt"

	"zchat"
	"zchat/internal/wire"
)

func ok(status string) map[string]any { return map[string]any{"status": status} }

// name reads a required user or channel name and checks it against the limits.
func (h *Handler) name(m wire.Message, field, what string) (string, error) {
	s, err := m.String(field)
	if err != nil {
		return "", err
	}
	if err := h.Limits.CheckName(what, s); err != nil {
		return "", fmt.Errorf("%w", invalid(err))
	}
	return s, nil
}

func invalid(err error) error { return fmt.Errorf("%w: %v", errInvalid, err) }

// command builds a command stamped with this server's clocks. The Lamport
// tick is the event's own send event: its publication carries the same clock.
func (h *Handler) command(kind zchat.Kind, user, target, text string, m wire.Message) zchat.Command {
	reqID, _ := m.OptString("request_id")
	return zchat.Command{
		Kind: kind, User: user, Target: target, Text: text, ReqID: reqID,
		Clock: h.Lamport.Tick(), Time: h.Physical.Seconds(),
	}
}

// login stores a login. A caller with a key claims the name if nobody
// has (the reply then says `claimed: true`); a claimed name logs in only
// with its owner's key.
func (h *Handler) login(ctx context.Context, caller Caller, m wire.Message) (map[string]any, *zchat.Event) {
	user, err := h.name(m, "user", "user")
	if err != nil {
		return h.failure(err), nil
	}
	claimed, err := h.claimOrCheck(ctx, caller, user)
	if err != nil {
		return h.failure(err), nil
	}
	c, err := h.Store.Submit(ctx, h.command(zchat.KindLogin, user, "", "", m))
	if err != nil {
		return h.failure(err), nil
	}
	h.settle(ctx, c) // the claim too: it comes before the login in this origin's log
	data := ok(wire.StatusSuccess)
	if claimed {
		data["claimed"] = true
	}
	return data, nil
}

func (h *Handler) users(ctx context.Context, _ Caller, m wire.Message) (map[string]any, *zchat.Event) {
	users, err := h.Store.Users()
	if err != nil {
		return h.failure(err), nil
	}
	return map[string]any{"status": wire.StatusOK, "users": users}, nil
}

func (h *Handler) channel(ctx context.Context, caller Caller, m wire.Message) (map[string]any, *zchat.Event) {
	name, err := h.name(m, "channel", "channel")
	if err != nil {
		return h.failure(err), nil
	}
	creator, _ := m.OptString("user")
	if creator != "" {
		if err := mayActAs(h.Store.Owner, caller, creator); err != nil {
			return h.failure(err), nil
		}
	}
	h.refresh(ctx) // another server may have created it a moment ago
	c, err := h.Store.Submit(ctx, h.command(zchat.KindChannel, creator, name, "", m))
	if err != nil {
		return h.failure(err), nil
	}
	h.settle(ctx, c)
	return ok(wire.StatusSuccess), nil
}

// channels answers under both keys: every implementation reads "channels",
// the assignment's text says "users".
func (h *Handler) channels(ctx context.Context, _ Caller, m wire.Message) (map[string]any, *zchat.Event) {
	chans, err := h.Store.Channels()
	if err != nil {
		return h.failure(err), nil
	}
	return map[string]any{"status": wire.StatusOK, "channels": chans, "users": chans}, nil
}

// settle waits, briefly, until the live peers hold a login or channel.
func (h *Handler) settle(ctx context.Context, c zchat.Committed) {
	if h.Replicator != nil {
		h.Replicator.WaitSettled(ctx, c.Event)
	}
}

// replicated applies the acknowledgement policy to a committed event. A
// retry (c.Duplicate) waits too: its first attempt may have answered erro
// because the peers were late, and an OK now must mean what OK means.
func (h *Handler) replicated(ctx context.Context, c zchat.Committed) error {
	if h.Replicator == nil {
		return nil
	}
	return h.Replicator.WaitReplicated(ctx, c.Event)
}
