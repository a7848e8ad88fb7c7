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
	svcReplicate = "replicate" // push: {origin, events} -> {origin, seq, applied}
	svcVector    = "vector"    // {} -> {origin, vector}
	svcFetch     = "fetch"     // {origin, after, limit} -> {events}
	svcHistory   = "history"   // HistoryQuery fields -> {events}; for checkers
)

// maxFetch bounds one fetch reply (about 100-300 bytes per event).
const maxFetch = 10000

// serveReplicate applies pushed events and acknowledges with how far we
// hold the sender's origin: lower than what was sent means a gap, and the
// sender resends from there.
func (r *Replicator) serveReplicate(ctx context.Context, m wire.Message) map[string]any {
	sender, err := m.String("origin")
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	events, err := decodeEvents(m.Data["events"])
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	applied, err := r.apply(ctx, events)
	if err != nil {
		return wire.ErrorData(err.Error())
	}
	r.stats.received.Add(uint64(len(applied)))
	r.lag.recordEvents(applied, r.cfg.Now())
	return map[string]any{"status": wire.StatusOK, "origin": r.origin,
		"seq": r.store.Vector()[sender], "applied": len(applied)}
}

func (r *Replicator) serveVector(ctx context.Context, m wire.Message) map[string]any {
	return map[string]any{"status": wire.StatusOK, "origin": r.origin, "vector": r.store.Vector()}
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

// apply stores replicated events and lets their Lamport clocks advance
// ours, as any received message does.
func (r *Replicator) apply(ctx context.Context, events []zchat.Event) ([]zchat.Event, error) {
	res, err := r.store.Apply(ctx, events)
	if err != nil {
		return nil, err
	}
	applied := res.Events
	var top uint64
	for _, e := range applied {
		top = max(top, e.Clock)
	}
	if top > 0 {
		r.cfg.Lamport.Observe(top)
	}
	return applied, nil
}
