package replication

import (
	"context"
	"errors"
	"fmt"

	"zchat"
	"zchat/internal/store"
	"zchat/internal/wire"
)

// Peer service names (see docs/replication.md).
const (
	svcReplicate = "replicate" // push: {origin, events} -> {origin, seq, hash, applied}
	svcVector    = "vector"    // {} -> {origin, vector, heads}
	svcFetch     = "fetch"     // {origin, after, limit} -> {events}
	svcHashes    = "hashes"    // {origin, seqs} -> {hashes}; the repair's search
	svcHistory   = "history"   // HistoryQuery fields -> {events}; for checkers
)

// maxFetch bounds one fetch reply (about 100-300 bytes per event).
const maxFetch = 10000

// maxHashes bounds the seqs of one hashes request (the store's bound).
const maxHashes = 64

// serveReplicate applies pushed events and acknowledges with how far we
// hold the sender's origin, and the hash there: lower than what was sent
// means a gap, and the sender resends from there; another hash means our
// log of its origin diverged, which the sender must not count as holding
// its events. A divergence starts an anti-entropy round, which repairs our
// log if the sender is the origin.
func (r *Replicator) serveReplicate(ctx context.Context, m wire.Message) map[string]any {
	sender, err := m.String("origin")
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	events, err := decodeEvents(m.Data["events"])
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	res, err := r.apply(ctx, events)
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	if len(res.Diverged) > 0 {
		r.pushDiverged(sender, res.Diverged)
	}
	r.stats.received.Add(uint64(len(res.Events)))
	r.lag.recordEvents(res.Events, r.cfg.Now())
	head := r.store.Head(sender)
	return map[string]any{"status": wire.StatusOK, "origin": r.origin,
		"seq": head.Seq, "hash": head.Hash[:], "applied": len(res.Events)}
}

// serveVector answers our vector, and for newer peers the heads: the
// vector alone cannot tell two different logs of the same length apart.
func (r *Replicator) serveVector(ctx context.Context, m wire.Message) map[string]any {
	heads := r.store.Heads()
	vector := make(map[string]uint64, len(heads))
	for o, h := range heads {
		vector[o] = h.Seq
	}
	return map[string]any{"status": wire.StatusOK, "origin": r.origin, "vector": vector, "heads": encodeHeads(heads)}
}

// serveHashes returns our hashes of an origin's events at the given seqs
// (nil where we hold none), for a peer that searches where its log of
// that origin departs from ours.
func (r *Replicator) serveHashes(ctx context.Context, m wire.Message) map[string]any {
	origin, err := m.String("origin")
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	seqs, err := decodeSeqs(m.Data["seqs"], maxHashes)
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	hashes, err := r.store.HashesAt(ctx, origin, seqs)
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	return map[string]any{"status": wire.StatusOK, "hashes": encodeHashes(hashes)}
}

// serveFetch returns events of one origin after a seq, hidden ones
// included: they are part of the log.
func (r *Replicator) serveFetch(ctx context.Context, m wire.Message) map[string]any {
	origin, err := m.String("origin")
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	after, err1 := m.OptInt("after", 0)
	limit, err2 := m.OptInt("limit", int64(r.cfg.FetchBatch))
	if err := errors.Join(err1, err2); err != nil || after < 0 {
		return wire.ErrorData(fmt.Sprintf("fetch: bad after or limit: %v", err))
	}
	events, err := r.store.Since(origin, uint64(after), int(min(max(limit, 1), maxFetch)))
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	return map[string]any{"status": wire.StatusOK, "events": encodeEvents(events)}
}

// serveHistory answers a history query on this replica alone, so that a
// checker can compare what every server shows (the broker's history goes
// to whichever server it picks).
func (r *Replicator) serveHistory(ctx context.Context, m wire.Message) map[string]any {
	q, err := historyQuery(m)
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	events, err := r.store.History(ctx, q)
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	return map[string]any{"status": wire.StatusOK, "events": encodeEvents(events)}
}

func historyQuery(m wire.Message) (zchat.HistoryQuery, error) {
	var q zchat.HistoryQuery
	var errs []error
	for _, f := range []struct {
		name string
		dst  *string
	}{{"channel", &q.Channel}, {"user", &q.User}, {"peer", &q.Peer}, {"before", &q.Before}, {"after", &q.After}} {
		var err error
		*f.dst, err = m.OptString(f.name)
		errs = append(errs, err)
	}
	limit, err := m.OptInt("limit", store.MaxHistoryLimit)
	q.Limit = int(min(max(limit, 1), store.MaxHistoryLimit))
	return q, errors.Join(append(errs, err)...)
}

// apply stores replicated events and lets the Lamport clocks of those
// applied advance ours, as any received message does.
func (r *Replicator) apply(ctx context.Context, events []zchat.Event) (store.Applied, error) {
	res, err := r.store.Apply(ctx, events)
	if err != nil {
		return res, err
	}
	var top uint64
	for _, e := range res.Events {
		top = max(top, e.Clock)
	}
	if top > 0 {
		r.cfg.Lamport.Observe(top)
	}
	return res, nil
}
