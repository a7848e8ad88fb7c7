package tui

import (
	"fmt"
	"slices"
	"testing"

	"zchat/internal/client"
)

func post(id, channel, user string, clock uint64) client.Message {
	return client.Message{ID: id, Topic: channel, Channel: channel, User: user, Text: "text " + id, Clock: clock}
}

func private(id, src, dst string, clock uint64) client.Message {
	return client.Message{ID: id, Topic: dst, User: src, Dst: dst, Text: "text " + id, Clock: clock, Private: true}
}

// ids lists the message ids of a conversation, "-" for info lines.
func ids(c *conv) []string {
	var out []string
	for _, e := range c.entries {
		if e.info != "" {
			out = append(out, "-")
		} else {
			out = append(out, e.msg.ID)
		}
	}
	return out
}

func TestReceiveRoutesAndCountsUnread(t *testing.T) {
	s := newState()
	s.me = "ana"
	s.open(channelKind, "geral")
	if got := s.receive(post("s1:1", "geral", "bob", 5)); got != nil {
		t.Fatal("a post opened a conversation")
	}
	s.receive(post("s1:9", "other", "bob", 6)) // not joined: dropped
	opened := s.receive(private("s1:2", "bob", "ana", 7))
	if opened == nil || opened.key() != "@bob" {
		t.Fatalf("a first private message opened %v", opened)
	}
	s.receive(private("s1:3", "ana", "ana", 8)) // a note to self
	s.receive(post("s1:1", "geral", "bob", 5))  // duplicate
	got := map[string]int{}
	for _, c := range s.convs {
		got[c.key()] = c.unread
	}
	want := map[string]int{"*": 0, "#geral": 1, "@bob": 1, "@ana": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("unread %v, want %v", got, want)
	}
	s.focus(s.find(channelKind, "geral"))
	if s.current().unread != 0 {
		t.Fatal("focus did not mark read")
	}
	s.receive(post("s1:4", "geral", "bob", 9))
	if s.current().unread != 0 {
		t.Fatal("a message in the active conversation counted as unread")
	}
}

func TestMergeSortsAndDeduplicates(t *testing.T) {
	c := newConv(channelKind, "geral")
	c.appendLive(post("s1:5", "geral", "bob", 50))
	c.appendLive(post("s1:6", "geral", "bob", 60))
	c.note("info after 60")
	older := []client.Message{post("s1:1", "geral", "bob", 10), post("s1:2", "geral", "bob", 20)}
	if n := c.merge(older); n != 2 {
		t.Fatalf("merged %d", n)
	}
	updated := post("s1:5", "geral", "bob", 55)
	if n := c.merge([]client.Message{post("s2:1", "geral", "eve", 52), updated}); n != 1 {
		t.Fatalf("merged %d", n)
	}
	want := []string{"s1:1", "s1:2", "s1:5", "s2:1", "s1:6", "-"}
	if got := ids(c); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if c.entries[2].msg.Clock != 55 {
		t.Fatal("history did not update the clock of a message shown")
	}
	if c.oldestID() != "s1:1" {
		t.Fatalf("oldest %q", c.oldestID())
	}
}

func TestTrimKeepsTheNewest(t *testing.T) {
	c := newConv(channelKind, "geral")
	c.start = true
	for i := range maxEntries + 10 {
		c.appendLive(post(fmt.Sprintf("s1:%d", i), "geral", "bob", uint64(i)))
	}
	if len(c.entries) != maxEntries || c.oldestID() != "s1:10" || c.start {
		t.Fatalf("%d entries, oldest %s, start %v", len(c.entries), c.oldestID(), c.start)
	}
	if c.has(post("s1:3", "geral", "bob", 3)) {
		t.Fatal("a dropped message still counts as shown")
	}
}

func TestCycleAndClose(t *testing.T) {
	s := newState()
	s.open(channelKind, "a")
	s.open(privateKind, "b")
	s.open(channelKind, "c")
	var order []string
	for range 5 {
		s.cycle(1)
		order = append(order, s.current().key())
	}
	if want := []string{"#a", "@b", "#c", "*", "#a"}; !slices.Equal(order, want) {
		t.Fatalf("cycle %v, want %v", order, want)
	}
	s.cycle(-2)
	if s.current().key() != "#c" {
		t.Fatalf("back to %s", s.current().key())
	}
	s.close(s.active)
	if s.current().key() != "@b" || len(s.convs) != 3 {
		t.Fatalf("after close: %s of %d", s.current().key(), len(s.convs))
	}
	s.close(0)
	if len(s.convs) != 3 {
		t.Fatal("closed the status buffer")
	}
}

func TestNames(t *testing.T) {
	s := newState()
	s.users, s.channels = []string{"ana"}, []string{"geral"}
	s.open(privateKind, "bob")
	s.open(channelKind, "new")
	if got := s.names(privateKind); !slices.Equal(got, []string{"ana", "bob"}) {
		t.Fatalf("users %v", got)
	}
	if got := s.names(channelKind); !slices.Equal(got, []string{"geral", "new"}) {
		t.Fatalf("channels %v", got)
	}
}
