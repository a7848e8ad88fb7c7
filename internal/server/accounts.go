package server

import (
	"context"

	"zchat"
	"zchat/internal/auth"
	"zchat/internal/wire"
)

// errAccountsOff answers `auth_key` in a cluster without a key: there is
// no access key, hence no authenticated port to hand a key for.
const errAccountsOff = "accounts are off: the cluster runs without a key"

// claimOrCheck settles who may log in as user. A keyless caller may if
// the name is unclaimed. A caller with a key may if it owns the name, and
// claims it if nobody does, after pulling from the live peers, whose
// claim, if they hold one, comes first (two servers that accept claims of
// one name at once still agree afterwards: the first claim wins on every
// replica). It reports whether the caller has just claimed the name.
func (h *Handler) claimOrCheck(ctx context.Context, caller Caller, user string) (claimed bool, err error) {
	if _, taken := h.Store.Owner(user); taken || caller.Keyless() {
		return false, mayActAs(h.Store.Owner, caller, user)
	}
	h.refresh(ctx)
	c, err := h.Store.Submit(ctx, zchat.Command{Kind: zchat.KindClaim, User: user, Text: caller.Key,
		Clock: h.Lamport.Tick(), Time: h.Physical.Seconds()})
	if err != nil {
		return false, err // a zchat.ClaimedError if another key came first
	}
	if !c.Duplicate {
		h.Log.Info("name claimed", "user", user, "key", caller.Key[:8], "id", c.Event.ID())
	}
	return !c.Duplicate, nil
}

// authKey answers `auth_key`: the access public key, which a client pins
// on first use to authenticate the servers' secure ports.
func (h *Handler) authKey(ctx context.Context, _ Caller, m wire.Message) (map[string]any, *zchat.Event) {
	if h.AccessKey == "" {
		return wire.ErrorData(errAccountsOff), nil
	}
	return map[string]any{"status": wire.StatusOK, "key": h.AccessKey}, nil
}

// accessKey is the public access key of the cluster's authenticated
// ports, "" for a cluster without a key.
func accessKey(c auth.Cluster) string {
	if k, ok := c.Key(); ok {
		return auth.AccessKey(k).Public
	}
	return ""
}

// caller is who sent a request the broker forwarded: the broker's tag
// names the caller's key (see callerOf), trusted only where the link to
// the broker is authenticated with the cluster key. Without one, accounts
// are off and every request is open.
func (n *node) caller(envelope [][]byte) Caller {
	if !n.cfg.Cluster.Secure() {
		return Caller{}
	}
	return callerOf(envelope)
}
