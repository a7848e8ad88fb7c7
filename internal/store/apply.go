package store

import (
	"context"
	"fmt"
	"slices"

	"zchat"
)

// batch is the writer's view of one transaction: the committed in-memory
// state plus what this transaction added, so that a request sees the effects
// of earlier requests of the same batch (a channel created, then posted to)
// while the committed state stays untouched until the commit succeeds.
type batch struct {
	s        *Store
	st       *statements // bound to the transaction
	ctx      context.Context
	users    map[string]struct{}   // users logged in by this batch
	channels map[string]struct{}   // channels created by this batch
	claims   map[string]claim      // claims this batch made win
	heads    map[string]zchat.Head // origins advanced by this batch
	written  []zchat.Event         // events inserted, in order
	// The look-alike keys of the names this batch added.
	userNames, channelNames similarNames
}

func newBatch(s *Store, st *statements) *batch {
	return &batch{
		s:        s,
		st:       st,
		ctx:      context.Background(),
		users:    map[string]struct{}{},
		channels: map[string]struct{}{},
		claims:   map[string]claim{},
		heads:    map[string]zchat.Head{},

		userNames:    newSimilarNames(0),
		channelNames: newSimilarNames(0),
	}
}

// The writer reads the committed maps without s.mu: it is the only goroutine
// that changes them.

func (b *batch) hasUser(name string) bool {
	if _, ok := b.users[name]; ok {
		return true
	}
	_, ok := b.s.users[name]
	return ok
}

func (b *batch) hasChannel(name string) bool {
	if _, ok := b.channels[name]; ok {
		return true
	}
	_, ok := b.s.channels[name]
	return ok
}

// head is where origin's log ends, this batch included.
func (b *batch) head(origin string) zchat.Head {
	if h, ok := b.heads[origin]; ok {
		return h
	}
	if h, ok := b.s.heads[origin]; ok {
		return h
	}
	return zchat.GenesisHead
}

// submit handles a local command. Rejections go into the result; the error
// is for database failures only.
func (b *batch) submit(cmd zchat.Command) (result, error) {
	if cmd.ReqID != "" {
		orig, found, err := b.findVisible(cmd.Kind, cmd.User, cmd.ReqID)
		if err != nil {
			return result{}, err
		}
		if found {
			return result{committed: zchat.Committed{Event: orig, Duplicate: true}}, nil
		}
	}
	if cmd.Kind == zchat.KindClaim {
		if res, done, err := b.submitClaim(cmd); done || err != nil {
			return res, err
		}
	}
	if err := b.check(cmd); err != nil {
		return result{err: err}, nil
	}
	head := b.head(b.s.origin)
	e := zchat.Event{
		Origin: b.s.origin,
		Seq:    head.Seq + 1,
		Clock:  cmd.Clock,
		Time:   cmd.Time,
		Kind:   cmd.Kind,
		User:   cmd.User,
		Target: cmd.Target,
		Text:   cmd.Text,
		ReqID:  cmd.ReqID,
	}
	e.Hash = head.Next(e)
	if err := b.write(e, false); err != nil {
		return result{}, err
	}
	return result{committed: zchat.Committed{Event: e}}, nil
}

// check applies the rules that depend on the current state.
func (b *batch) check(cmd zchat.Command) error {
	switch cmd.Kind {
	case zchat.KindLogin, zchat.KindClaim:
		return b.lookAlikeUser(cmd.User)
	case zchat.KindChannel:
		if b.hasChannel(cmd.Target) {
			return zchat.ErrChannelExists
		}
		return b.lookAlikeChannel(cmd.Target)
	case zchat.KindPost:
		if !b.hasChannel(cmd.Target) {
			return zchat.ErrNoSuchChannel
		}
	case zchat.KindPrivate:
		if !b.hasUser(cmd.Target) {
			return zchat.ErrNoSuchUser
		}
	}
	return nil
}

// apply stores the replicated events that continue their origin's chain.
// After an event that contradicts the log (see verify), the rest of its
// origin in events is left alone: it cannot chain onto our log either.
func (b *batch) apply(events []zchat.Event) (Applied, error) {
	var out Applied
	var stopped map[string]bool
	for _, e := range events {
		if stopped[e.Origin] {
			continue
		}
		v, err := b.verify(&e)
		if err != nil {
			return Applied{}, err
		}
		switch {
		case v.diverged != nil:
			out.Diverged = append(out.Diverged, *v.diverged)
			if stopped == nil {
				stopped = map[string]bool{}
			}
			stopped[e.Origin] = true
			continue
		case !v.next:
			continue // already stored, or beyond a gap
		}
		hidden, err := b.resolveDuplicate(e)
		if err != nil {
			return Applied{}, err
		}
		if err := b.write(e, hidden); err != nil {
			return Applied{}, err
		}
		out.Events = append(out.Events, e)
	}
	return out, nil
}

// resolveDuplicate decides, for a replicated post or private message, which
// of two visible events with the same (Kind, User, ReqID) stays visible: the
// smaller in (Clock, Origin, Seq). Every replica keeps the minimum of the
// same set, whatever the arrival order, so histories converge. It reports
// whether e itself must be hidden; if e wins, the other is hidden here.
func (b *batch) resolveDuplicate(e zchat.Event) (bool, error) {
	if e.ReqID == "" || (e.Kind != zchat.KindPost && e.Kind != zchat.KindPrivate) {
		return false, nil
	}
	other, found, err := b.findVisible(e.Kind, e.User, e.ReqID)
	if err != nil || !found {
		return false, err
	}
	if other.Less(e) {
		return true, nil
	}
	if _, err := b.st.hideEvent.ExecContext(b.ctx, other.Origin, int64(other.Seq)); err != nil {
		return false, fmt.Errorf("hide %s: %w", other.ID(), err)
	}
	return false, nil
}

// findVisible returns the first visible event, in (Clock, Origin, Seq)
// order, with the given request id, including events written earlier in
// this transaction.
func (b *batch) findVisible(kind zchat.Kind, user, reqID string) (zchat.Event, bool, error) {
	rows, err := b.st.findVisible.QueryContext(b.ctx, int(kind), user, reqID)
	if err != nil {
		return zchat.Event{}, false, fmt.Errorf("find request %q of %q: %w", reqID, user, err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return zchat.Event{}, false, fmt.Errorf("find request %q of %q: %w", reqID, user, err)
	}
	if len(events) == 0 {
		return zchat.Event{}, false, nil
	}
	return slices.MinFunc(events, compareEvents), true, nil
}

func compareEvents(a, b zchat.Event) int {
	switch {
	case a.Less(b):
		return -1
	case b.Less(a):
		return 1
	}
	return 0
}

// write inserts e, updates the read models and the batch's overlay.
func (b *batch) write(e zchat.Event, hidden bool) error {
	_, err := b.st.insertEvent.ExecContext(b.ctx, e.Origin, int64(e.Seq), int64(e.Clock), e.Time,
		int(e.Kind), e.User, e.Target, e.Text, e.ReqID, e.Hash[:], hidden)
	if err != nil {
		return fmt.Errorf("insert %s: %w", e.ID(), err)
	}
	switch e.Kind {
	case zchat.KindLogin:
		_, err = b.st.upsertUser.ExecContext(b.ctx, e.User, int64(e.Clock), e.Time, e.Origin, int64(e.Seq))
		if !b.hasUser(e.User) {
			b.userNames.add(zchat.NameKey(e.User), e.User)
		}
		b.users[e.User] = struct{}{}
	case zchat.KindChannel:
		_, err = b.st.upsertChannel.ExecContext(b.ctx, e.Target, e.User, int64(e.Clock), e.Time, e.Origin, int64(e.Seq))
		if !b.hasChannel(e.Target) {
			b.channelNames.add(zchat.NameKey(e.Target), e.Target)
		}
		b.channels[e.Target] = struct{}{}
	case zchat.KindClaim:
		err = b.writeClaim(e)
	}
	if err != nil {
		return fmt.Errorf("update read model for %s: %w", e.ID(), err)
	}
	b.heads[e.Origin] = zchat.Head{Seq: e.Seq, Hash: e.Hash}
	b.written = append(b.written, e)
	return nil
}

// flushVector stores the advanced sequence numbers, once per origin.
func (b *batch) flushVector() error {
	for origin, h := range b.heads {
		if _, err := b.st.upsertVector.ExecContext(b.ctx, origin, int64(h.Seq)); err != nil {
			return fmt.Errorf("store vector of %s: %w", origin, err)
		}
	}
	return nil
}
