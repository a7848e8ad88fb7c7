package tui

import (
	"slices"

	"zchat/internal/client"
)

// state is everything the interface shows apart from the input line: the
// conversations, which one is active, and the names known for completion.
// It is plain data, changed only by the model's goroutine.
type state struct {
	me       string
	convs    []*conv // convs[0] is the status buffer
	active   int
	users    []string
	channels []string
}

func newState() *state {
	return &state{convs: []*conv{newConv(statusKind, "")}}
}

func (s *state) current() *conv { return s.convs[s.active] }

// find returns the index of a conversation, -1 when there is none.
func (s *state) find(k kind, name string) int {
	return slices.IndexFunc(s.convs, func(c *conv) bool { return c.kind == k && c.name == name })
}

// open returns a conversation, creating it (at the end of the side pane)
// when new; created tells which.
func (s *state) open(k kind, name string) (c *conv, created bool) {
	if i := s.find(k, name); i >= 0 {
		return s.convs[i], false
	}
	c = newConv(k, name)
	s.convs = append(s.convs, c)
	return c, true
}

// focus makes conversation i active and marks it read.
func (s *state) focus(i int) {
	if i < 0 || i >= len(s.convs) {
		return
	}
	s.active = i
	s.convs[i].unread = 0
}

// cycle moves the focus delta conversations down the side pane, wrapping.
func (s *state) cycle(delta int) {
	n := len(s.convs)
	s.focus(((s.active+delta)%n + n) % n)
}

// close removes a conversation (never the status buffer) and focuses the
// one before it.
func (s *state) close(i int) {
	if i <= 0 || i >= len(s.convs) {
		return
	}
	s.convs = slices.Delete(s.convs, i, i+1)
	if s.active >= i {
		s.focus(max(s.active-1, 0))
	}
}

// peer is the other side of a private message: the sender, or the
// recipient of one we sent (ourselves for a note to self).
func (s *state) peer(m client.Message) string {
	if m.User == s.me {
		return m.Dst
	}
	return m.User
}

// receive routes a live message to its conversation, opening a private
// conversation on first contact. Posts of channels not joined (left while
// in flight) are dropped. It returns the private conversation it opened,
// nil otherwise, so that the caller loads its history.
func (s *state) receive(m client.Message) (opened *conv) {
	var c *conv
	if m.Private {
		var created bool
		c, created = s.open(privateKind, s.peer(m))
		if created {
			opened = c
		}
	} else if i := s.find(channelKind, m.Channel); i >= 0 {
		c = s.convs[i]
	} else {
		return nil
	}
	if c.appendLive(m) && c != s.current() {
		c.unread++
	}
	return opened
}

// note adds a line of client output to the active conversation.
func (s *state) note(text string) { s.current().note(text) }

// names are the completion candidates for users and channels: the lists
// last read plus the conversations open.
func (s *state) names(k kind) []string {
	base := s.users
	if k == channelKind {
		base = s.channels
	}
	out := slices.Clone(base)
	for _, c := range s.convs {
		if c.kind == k && !slices.Contains(out, c.name) {
			out = append(out, c.name)
		}
	}
	return out
}
