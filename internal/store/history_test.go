package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"zchat"
)

func TestHistoryChannelPaging(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("alice", 1))
	must(t, s, channel("alice", "general", 2))
	must(t, s, channel("alice", "empty", 2))
	must(t, s, channel("alice", "other", 2))
	var p []zchat.Event // p[i] has text "i"
	for i := range 25 {
		p = append(p, must(t, s, post("alice", "general", fmt.Sprint(i), uint64(10+i))))
		must(t, s, post("alice", "other", "noise", uint64(10+i)))
	}
	span := func(from, to int) []string { // texts of p[from:to]
		var out []string
		for i := from; i < to; i++ {
			out = append(out, fmt.Sprint(i))
		}
		return out
	}
	tests := []struct {
		name string
		q    zchat.HistoryQuery
		want []string
	}{
		{"default limit: all", zchat.HistoryQuery{Channel: "general"}, span(0, 25)},
		{"limit: newest", zchat.HistoryQuery{Channel: "general", Limit: 10}, span(15, 25)},
		{"before: newest before cursor", zchat.HistoryQuery{Channel: "general", Limit: 5, Before: p[10].ID()}, span(5, 10)},
		{"before near start", zchat.HistoryQuery{Channel: "general", Limit: 5, Before: p[2].ID()}, span(0, 2)},
		{"before first", zchat.HistoryQuery{Channel: "general", Before: p[0].ID()}, nil},
		{"after: oldest after cursor", zchat.HistoryQuery{Channel: "general", Limit: 5, After: p[10].ID()}, span(11, 16)},
		{"after near end", zchat.HistoryQuery{Channel: "general", Limit: 5, After: p[22].ID()}, span(23, 25)},
		{"after last", zchat.HistoryQuery{Channel: "general", After: p[24].ID()}, nil},
		{"between cursors", zchat.HistoryQuery{Channel: "general", After: p[3].ID(), Before: p[8].ID()}, span(4, 8)},
		{"between cursors, limited", zchat.HistoryQuery{Channel: "general", Limit: 2, After: p[3].ID(), Before: p[8].ID()}, span(4, 6)},
		{"channel without posts", zchat.HistoryQuery{Channel: "empty"}, nil},
		{"unknown channel", zchat.HistoryQuery{Channel: "nowhere"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.History(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(texts(got), append([]string{}, tc.want...)) {
				t.Errorf("got %v, want %v", texts(got), tc.want)
			}
		})
	}

	// Walking backwards page by page visits every post once.
	var walked []string
	q := zchat.HistoryQuery{Channel: "general", Limit: 7}
	for {
		page, err := s.History(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		walked = append(texts(page), walked...)
		q.Before = page[0].ID()
	}
	if !reflect.DeepEqual(walked, span(0, 25)) {
		t.Errorf("backward walk %v", walked)
	}
}

func TestHistoryErrors(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("alice", 1))
	tests := []struct {
		name   string
		q      zchat.HistoryQuery
		cursor bool // want zchat.ErrBadCursor
	}{
		{"neither channel nor user", zchat.HistoryQuery{}, false},
		{"both channel and user", zchat.HistoryQuery{Channel: "c", User: "u"}, false},
		{"unknown event", zchat.HistoryQuery{Channel: "c", Before: s.Origin() + ":99"}, true},
		{"unknown origin", zchat.HistoryQuery{Channel: "c", After: "nobody.1:1"}, true},
		{"no colon", zchat.HistoryQuery{Channel: "c", Before: "garbage"}, true},
		{"seq not a number", zchat.HistoryQuery{Channel: "c", Before: s.Origin() + ":x"}, true},
		{"seq zero", zchat.HistoryQuery{Channel: "c", Before: s.Origin() + ":0"}, true},
		{"empty origin", zchat.HistoryQuery{Channel: "c", Before: ":1"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.History(context.Background(), tc.q)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, zchat.ErrBadCursor) != tc.cursor {
				t.Errorf("err = %v, want ErrBadCursor: %v", err, tc.cursor)
			}
		})
	}
}

func TestHistoryPrivate(t *testing.T) {
	s := openT(t, "srv", Options{})
	for _, u := range []string{"alice", "bob", "carol"} {
		must(t, s, login(u, 1))
	}
	clock := uint64(10)
	send := func(from, to string) {
		clock++
		must(t, s, private(from, to, fmt.Sprintf("%s>%s@%d", from, to, clock), clock))
	}
	send("alice", "bob")
	send("bob", "alice")
	send("alice", "carol")
	send("alice", "alice")
	send("carol", "bob")
	send("alice", "bob")
	send("bob", "alice")
	send("alice", "bob")

	tests := []struct {
		name string
		q    zchat.HistoryQuery
		want []string
	}{
		{"all of alice, self once", zchat.HistoryQuery{User: "alice"}, []string{
			"alice>bob@11", "bob>alice@12", "alice>carol@13", "alice>alice@14",
			"alice>bob@16", "bob>alice@17", "alice>bob@18"}},
		{"alice with bob", zchat.HistoryQuery{User: "alice", Peer: "bob"}, []string{
			"alice>bob@11", "bob>alice@12", "alice>bob@16", "bob>alice@17", "alice>bob@18"}},
		{"bob with alice is the same conversation", zchat.HistoryQuery{User: "bob", Peer: "alice"}, []string{
			"alice>bob@11", "bob>alice@12", "alice>bob@16", "bob>alice@17", "alice>bob@18"}},
		{"alice with herself", zchat.HistoryQuery{User: "alice", Peer: "alice"}, []string{"alice>alice@14"}},
		{"bob with carol", zchat.HistoryQuery{User: "bob", Peer: "carol"}, []string{"carol>bob@15"}},
		{"newest 3 of alice", zchat.HistoryQuery{User: "alice", Limit: 3}, []string{
			"alice>bob@16", "bob>alice@17", "alice>bob@18"}},
		{"alice and bob, newest 2", zchat.HistoryQuery{User: "alice", Peer: "bob", Limit: 2}, []string{
			"bob>alice@17", "alice>bob@18"}},
		{"nobody", zchat.HistoryQuery{User: "dave"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.History(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(texts(got), append([]string{}, tc.want...)) {
				t.Errorf("got %v, want %v", texts(got), tc.want)
			}
		})
	}

	// Cursors page through a conversation merged from both directions.
	all, _ := s.History(context.Background(), zchat.HistoryQuery{User: "alice"})
	after, err := s.History(context.Background(), zchat.HistoryQuery{User: "alice", After: all[1].ID(), Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, all[2:5]) {
		t.Errorf("after %s: %v, want %v", all[1].ID(), texts(after), texts(all[2:5]))
	}
	before, _ := s.History(context.Background(), zchat.HistoryQuery{User: "alice", Before: all[5].ID(), Limit: 2})
	if !reflect.DeepEqual(before, all[3:5]) {
		t.Errorf("before %s: %v, want %v", all[5].ID(), texts(before), texts(all[3:5]))
	}
}

// History orders by (Clock, Origin, Seq), not by arrival, and caps Limit.
func TestHistoryOrderAndLimitCap(t *testing.T) {
	s := openT(t, "srv", Options{})
	const n = MaxHistoryLimit + 100
	var evs []zchat.Event
	for i := range n {
		// Two origins with interleaved, sometimes equal clocks.
		origin, seq := "p.1", uint64(i/2+1)
		if i%2 == 1 {
			origin = "o.1"
		}
		evs = append(evs, zchat.Event{Origin: origin, Seq: seq, Clock: uint64(n - i/2*2), Time: 1,
			Kind: zchat.KindPost, User: "u", Target: "big", Text: fmt.Sprint(i)})
	}
	if _, err := s.Apply(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	got, err := s.History(context.Background(), zchat.HistoryQuery{Channel: "big", Limit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxHistoryLimit {
		t.Fatalf("%d events, want the cap %d", len(got), MaxHistoryLimit)
	}
	for i := 1; i < len(got); i++ {
		if !got[i-1].Less(got[i]) {
			t.Fatalf("out of order at %d: %s then %s", i, got[i-1].ID(), got[i].ID())
		}
	}
	// The newest page ends with the largest key: clock n-0 for i = 0, 1;
	// "p.1" > "o.1".
	if last := got[len(got)-1]; last.ID() != "p.1:1" {
		t.Errorf("last event %s, want p.1:1", last.ID())
	}
}

// History queries must follow an index, not scan the log.
func TestHistoryUsesIndexes(t *testing.T) {
	s := openT(t, "srv", Options{})
	k := key{clock: 1, origin: "o", seq: 1}
	queries := []zchat.HistoryQuery{
		{Channel: "c"},
		{User: "u"},
		{User: "u", Peer: "p"},
	}
	for _, q := range queries {
		for _, bounds := range [][]bound{nil, {{"<", k}}, {{">", k}}, {{">", k}, {"<", k}}} {
			query, args := historySQL(branches(q), bounds, len(bounds) == 0 || bounds[0].op == "<", 10)
			rows, err := s.rdb.Query("EXPLAIN QUERY PLAN "+query, args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			text := strings.Join(plan, "; ")
			if strings.Contains(text, "SCAN events") || !strings.Contains(text, "USING INDEX events_by_") ||
				strings.Contains(text, "TEMP B-TREE FOR ORDER BY") && len(branches(q)) == 1 {
				t.Errorf("%+v %v: plan %q", q, bounds, text)
			}
		}
	}
}
