package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"zchat"
)

// request is one queued write: a local command, replicated events or a
// truncation.
type request struct {
	ctx      context.Context
	cmd      *zchat.Command // set by Submit
	events   []zchat.Event  // set by Apply
	truncate *truncation    // set by Truncate
	// reply has room for the answer, so the writer never waits for a caller
	// that gave up.
	reply chan result
}

// result answers a request.
type result struct {
	committed zchat.Committed // Submit
	applied   Applied         // Apply
	removed   int             // Truncate
	err       error
}

// Submit validates cmd against the current state inside the writer and
// commits it as the next event of this origin; it returns once the event is
// on disk.
//
//   - KindLogin is accepted (every login is stored with its time), unless
//     it is a new user whose zchat.NameKey is an existing user's: that
//     fails with a zchat.ConfusableError.
//   - KindChannel fails with zchat.ErrChannelExists if the channel exists,
//     with a zchat.ConfusableError if it looks like an existing one.
//   - KindClaim (User: the name, Text: the owner's key) fails with a
//     zchat.ClaimedError if another key claimed the name, and like a login
//     if the name looks like another user's; if the same key claimed it,
//     nothing is written and the result is that claim with Duplicate set.
//   - KindPost fails with zchat.ErrNoSuchChannel if Target is not a channel.
//   - KindPrivate fails with zchat.ErrNoSuchUser if Target never logged in.
//
// If cmd.ReqID is set and a visible event with the same (Kind, User, ReqID)
// exists, nothing is written and the result is that event with Duplicate
// set. The zchat errors above are returned unwrapped; other errors are
// wrapped. A zero cmd.Time is set to now. If ctx ends first, Submit returns
// ctx.Err(), and the event may or may not have been written.
func (s *Store) Submit(ctx context.Context, cmd zchat.Command) (zchat.Committed, error) {
	if err := checkCommand(cmd); err != nil {
		return zchat.Committed{}, fmt.Errorf("store: submit: %w", err)
	}
	if cmd.Time == 0 {
		cmd.Time = float64(time.Now().UnixNano()) / 1e9
	}
	res, err := s.do(ctx, &request{ctx: ctx, cmd: &cmd})
	return res.committed, err
}

// Apply stores events replicated from peers, idempotently, through the same
// writer and group commit as Submit. An event is applied only if its Seq is
// the next one of its origin (vector[origin]+1) and it chains onto the
// origin's head (its Hash is head.Next(event); a zero Hash, from a peer that
// sends none, is set to that): events already stored and events beyond a
// gap are skipped (anti-entropy fetches the gap later), so events may come
// in any mix of origins but must be in seq order per origin. It returns the
// events newly applied, with their hashes, and the divergences: events
// that contradict our log of their origin (see Divergence). After a
// divergence the rest of that origin's events in this call are skipped.
// Divergences are not errors: err is for invalid events, database
// failures, ctx and Close.
//
// Applying updates the read models: a login adds its user; a channel event
// creates the channel or, if it exists, keeps as creator the event smaller in
// (Clock, Origin, Seq); a claim binds its name to its key unless a claim
// smaller in (Clock, Origin, Seq) did. Nothing replicated is refused for
// what it says (look-alike names, a name claimed here first): every replica
// must reach the same state. Posts and private messages are stored even if their
// channel or recipient is not known here (yet). When two visible posts (or
// private messages) share (Kind, User, ReqID), the larger one in (Clock,
// Origin, Seq) is hidden from history on every replica alike.
func (s *Store) Apply(ctx context.Context, events []zchat.Event) (Applied, error) {
	for _, e := range events {
		if err := checkEvent(e); err != nil {
			return Applied{}, fmt.Errorf("store: apply %s: %w", e.ID(), err)
		}
	}
	if len(events) == 0 {
		return Applied{}, nil
	}
	res, err := s.do(ctx, &request{ctx: ctx, events: events})
	return res.applied, err
}

// do queues r for the writer and waits for its answer.
func (s *Store) do(ctx context.Context, r *request) (result, error) {
	r.reply = make(chan result, 1)
	select {
	case <-s.quit: // checked first: the send below could win a closed store's race
		return result{}, ErrClosed
	default:
	}
	select {
	case s.reqs <- r:
	case <-s.quit:
		return result{}, ErrClosed
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
	select {
	case res := <-r.reply:
		return res, res.err
	case <-ctx.Done():
		return result{}, ctx.Err()
	case <-s.stopped:
		// The writer answers before it stops, so an answer is already here
		// unless r slipped into the queue after the final drain.
		select {
		case res := <-r.reply:
			return res, res.err
		default:
			return result{}, ErrClosed
		}
	}
}

// writeLoop is the single writer: it takes the first waiting request, drains
// whatever else is queued (up to MaxBatch) without blocking, and commits
// them all in one transaction. Under load batches grow by themselves, which
// is what makes fsync-per-commit affordable.
func (s *Store) writeLoop() {
	defer close(s.stopped)
	batch := make([]*request, 0, s.opts.MaxBatch)
	for {
		select {
		case r := <-s.reqs:
			batch = s.drain(append(batch[:0], r))
			s.runRequests(batch)
		case <-s.quit:
			for {
				batch = s.drain(batch[:0])
				if len(batch) == 0 {
					return
				}
				s.runRequests(batch)
			}
		}
		clear(batch) // drop references to answered requests
	}
}

// drain appends queued requests to batch without blocking.
func (s *Store) drain(batch []*request) []*request {
	for len(batch) < s.opts.MaxBatch {
		select {
		case r := <-s.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// runRequests runs what the writer took from the queue, in order: each
// truncation in a transaction of its own (it removes what the batch
// overlay assumes only grows), the writes between them in group commits.
func (s *Store) runRequests(reqs []*request) {
	for len(reqs) > 0 {
		if reqs[0].truncate != nil {
			s.runTruncate(reqs[0])
			reqs = reqs[1:]
			continue
		}
		n := 1
		for n < len(reqs) && reqs[n].truncate == nil {
			n++
		}
		s.runBatch(reqs[:n])
		reqs = reqs[n:]
	}
}

// runBatch executes, commits and answers one batch. If anything fails at the
// database level, every request of the batch gets the error and the
// in-memory state stays as it was.
func (s *Store) runBatch(reqs []*request) {
	results := make([]result, len(reqs))
	began := time.Now()
	b, err := s.execBatch(reqs, results)
	if err != nil {
		s.log.Error("batch failed", "requests", len(reqs), "err", err)
		err = fmt.Errorf("store: write: %w", err)
		for i := range results {
			results[i] = result{err: err}
		}
	} else {
		s.publish(b, len(reqs), time.Since(began))
	}
	for i, r := range reqs {
		r.reply <- results[i]
	}
}

// execBatch runs every request of the batch in one transaction and commits
// it, filling results. Per-request failures (validation, ctx ended) go into
// results; only database failures return an error.
func (s *Store) execBatch(reqs []*request, results []result) (*batch, error) {
	ctx := context.Background() // a caller's ctx must not abort the others' commit
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	b := newBatch(s, s.stmts.bind(ctx, tx))
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err // the caller has gone: skip the work
			continue
		}
		if r.cmd != nil {
			results[i], err = b.submit(*r.cmd)
		} else {
			results[i].applied, err = b.apply(r.events)
		}
		if err != nil {
			return nil, errors.Join(err, tx.Rollback())
		}
	}
	if len(b.written) == 0 {
		// Duplicates and rejections only: nothing to make durable.
		if err := tx.Rollback(); err != nil {
			return nil, fmt.Errorf("rollback: %w", err)
		}
		return b, nil
	}
	if err := b.flushVector(); err != nil {
		return nil, errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return b, nil
}

// publish makes a committed batch visible in memory, counts it and calls
// OnCommitTime and OnCommit.
func (s *Store) publish(b *batch, requests int, took time.Duration) {
	if len(b.written) == 0 {
		return
	}
	s.mu.Lock()
	for u := range b.users {
		s.users[u] = struct{}{}
	}
	for c := range b.channels {
		s.channels[c] = struct{}{}
	}
	for name, c := range b.claims {
		s.claims[name] = c
	}
	s.userNames.merge(b.userNames)
	s.channelNames.merge(b.channelNames)
	for o, h := range b.heads {
		s.heads[o] = h
	}
	s.mu.Unlock()
	s.commits.Add(1)
	s.written.Add(uint64(len(b.written)))
	if n := uint64(requests); n > s.maxBatch.Load() {
		s.maxBatch.Store(n) // only the writer stores it
	}
	if s.opts.OnCommitTime != nil {
		s.opts.OnCommitTime(took)
	}
	if s.opts.OnCommit != nil {
		s.opts.OnCommit(b.written)
	}
}

// checkCommand rejects commands that no state could make valid.
func checkCommand(cmd zchat.Command) error {
	if cmd.Clock > math.MaxInt64 {
		return fmt.Errorf("clock %d out of range", cmd.Clock)
	}
	return checkShape(cmd.Kind, cmd.User, cmd.Target, cmd.Text)
}

// checkEvent rejects replicated events that cannot be stored.
func checkEvent(e zchat.Event) error {
	switch {
	case e.Origin == "":
		return errors.New("empty origin")
	case e.Seq == 0 || e.Seq > math.MaxInt64:
		return fmt.Errorf("seq %d out of range", e.Seq)
	case e.Clock > math.MaxInt64:
		return fmt.Errorf("clock %d out of range", e.Clock)
	case math.IsNaN(e.Time) || math.IsInf(e.Time, 0):
		return fmt.Errorf("time %v out of range", e.Time) // SQLite would store NaN as NULL
	}
	return checkShape(e.Kind, e.User, e.Target, e.Text)
}

// checkShape checks the fields each kind needs. A channel may have no
// creator (channels created by a system, not a user).
func checkShape(kind zchat.Kind, user, target, text string) error {
	switch kind {
	case zchat.KindLogin:
		if user == "" {
			return errors.New("login without user")
		}
	case zchat.KindChannel:
		if target == "" {
			return errors.New("channel without name")
		}
	case zchat.KindPost, zchat.KindPrivate:
		if user == "" || target == "" {
			return fmt.Errorf("%s without user or target", kind)
		}
	case zchat.KindClaim:
		if user == "" || !zchat.ValidKey(text) {
			return errors.New("claim without name or valid key")
		}
	default:
		return fmt.Errorf("unknown kind %d", uint8(kind))
	}
	return nil
}
