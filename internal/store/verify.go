package store

import (
	"database/sql"
	"errors"
	"fmt"

	"zchat"
)

// Applied is the outcome of Apply.
type Applied struct {
	Events   []zchat.Event // newly stored, in order, with their hashes
	Diverged []Divergence  // events refused because they contradict our log
}

// Divergence is a replicated event that contradicts what this store holds
// of its origin: an event at the next seq that does not chain onto our
// head, an event at a seq we hold with another hash, or an event that
// claims this store's own origin beyond what it wrote. Nothing of it was
// stored. It is not an error of the store: which log is right is for
// replication to decide (the origin's own log wins).
type Divergence struct {
	Event zchat.Event // as received
	Head  zchat.Head  // our head of the event's origin when it was checked
	Want  zchat.Hash  // the hash we hold at that seq, or that the next event must have; zero if we wrote no such event
}

func (d Divergence) String() string {
	return fmt.Sprintf("%s with hash %.16s: ours %.16s (head %d)", d.Event.ID(), d.Event.Hash, d.Want, d.Head.Seq)
}

// verdict is what verify decided about one replicated event.
type verdict struct {
	next     bool        // store it: it continues its origin's chain
	diverged *Divergence // refuse it
}

// verify checks a replicated event against the log of its origin (this
// batch included). An event without a hash (from a peer that sends none)
// is trusted as before the chain: it gets the hash that continues our
// log. An event of our own origin is never stored: this store wrote its
// own log, so one it does not hold is a divergence.
func (b *batch) verify(e *zchat.Event) (verdict, error) {
	head := b.head(e.Origin)
	diverged := func(want zchat.Hash) (verdict, error) {
		return verdict{diverged: &Divergence{Event: *e, Head: head, Want: want}}, nil
	}
	switch {
	case e.Origin == b.s.origin && e.Seq > head.Seq:
		return diverged(zchat.Hash{})
	case e.Seq > head.Seq+1:
		return verdict{}, nil // beyond a gap: anti-entropy fetches the gap
	case e.Seq == head.Seq+1:
		want := head.Next(*e)
		if e.Hash.IsZero() {
			e.Hash = want
		}
		if e.Hash != want {
			return diverged(want)
		}
		return verdict{next: true}, nil
	case e.Hash.IsZero():
		return verdict{}, nil // held; nothing to compare
	}
	held := head.Hash
	if e.Seq != head.Seq {
		var err error
		if held, err = b.hashAt(e.Origin, e.Seq); err != nil {
			return verdict{}, err
		}
	}
	if e.Hash != held {
		return diverged(held)
	}
	return verdict{}, nil
}

// hashAt reads the hash of an event this store holds. Only a replay of
// events already held (a push that overlapped a fetch) costs this lookup.
func (b *batch) hashAt(origin string, seq uint64) (zchat.Hash, error) {
	var h []byte
	err := b.st.hashAt.QueryRowContext(b.ctx, origin, int64(seq)).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return zchat.Hash{}, nil
	}
	if err != nil {
		return zchat.Hash{}, fmt.Errorf("hash of %s:%d: %w", origin, seq, err)
	}
	var out zchat.Hash
	copy(out[:], h)
	return out, nil
}
