package client

import (
	"cmp"
	"slices"
	"time"
)

// track is a Resumer's state for one topic.
type track struct {
	window int
	primed bool                // the first history fetch succeeded
	shown  map[string]struct{} // ids shown, at most window
	fifo   []string            // shown ids, oldest first, for eviction
	recent []position          // newest positions known, ascending, at most window
	floor  position            // newest position when first followed
	since  time.Time           // newest server time when first followed
}

// position is where a message sorts in history: servers order by (clock,
// origin, seq) and ids are "origin:seq", so (clock, id) is close enough to
// pick a resume cursor with some overlap.
type position struct {
	clock uint64
	id    string
}

func comparePositions(a, b position) int {
	return cmp.Or(cmp.Compare(a.clock, b.clock), cmp.Compare(a.id, b.id))
}

func newTrack(window int) *track {
	return &track{window: window, shown: map[string]struct{}{}}
}

func (t *track) seen(id string) bool {
	_, ok := t.shown[id]
	return ok
}

// show records m as shown.
func (t *track) show(m Message) {
	t.shown[m.ID] = struct{}{}
	t.fifo = append(t.fifo, m.ID)
	if len(t.fifo) > t.window {
		delete(t.shown, t.fifo[0])
		t.fifo = slices.Delete(t.fifo, 0, 1)
	}
	t.place(m)
}

// place records m's position for the resume cursor.
func (t *track) place(m Message) {
	p := positionOf(m)
	i, found := slices.BinarySearchFunc(t.recent, p, comparePositions)
	if found {
		return
	}
	t.recent = slices.Insert(t.recent, i, p)
	if len(t.recent) > t.window {
		t.recent = slices.Delete(t.recent, 0, 1)
	}
}

// cursor is the id to resume after: overlap positions before the newest,
// "" when nothing is known (history then starts from its newest page).
func (t *track) cursor(overlap int) string {
	if len(t.recent) == 0 {
		return ""
	}
	return t.recent[max(len(t.recent)-1-overlap, 0)].id
}

func positionOf(m Message) position { return position{m.Clock, m.ID} }

// raiseFloor records the newest position and time of the first page.
func (t *track) raiseFloor(page []Message) {
	for _, m := range page {
		if comparePositions(positionOf(m), t.floor) > 0 {
			t.floor = positionOf(m)
		}
		if m.Time.After(t.since) {
			t.since = m.Time
		}
	}
}

// news reports whether m may be shown: it has an id not shown yet and,
// unless prime, sorts after the floor or was stored after it (a server
// whose Lamport clock restarted low stamps new messages below the floor;
// servers' physical clocks are kept in sync, so their time tells).
func (t *track) news(m Message, prime bool) bool {
	if m.ID == "" || t.seen(m.ID) {
		return false
	}
	return prime || comparePositions(positionOf(m), t.floor) > 0 || m.Time.After(t.since)
}
