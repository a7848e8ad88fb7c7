package tui

import (
	"cmp"

	"zchat/internal/client"
)

// maxEntries bounds a conversation's buffer; older entries are dropped and
// can be paged back in from history.
const maxEntries = 5000

// kind is what a conversation is about.
type kind int

const (
	statusKind  kind = iota // client output that belongs to no conversation
	channelKind             // the posts of a joined channel
	privateKind             // the private messages exchanged with one user
)

// entry is one item of a conversation: a message, or a line of client
// output (info) placed after the messages it follows.
type entry struct {
	msg  client.Message
	info string
}

// clock is the entry's Lamport clock. Entries sort the way servers order
// history, by clock then id; info lines take the place of the message
// before them.
func (e entry) clock() uint64 { return e.msg.Clock }

// conv is one conversation: a channel, a private conversation with a user,
// or the status buffer.
type conv struct {
	kind    kind
	name    string // channel or peer user; "" for the status buffer
	entries []entry
	seen    map[string]struct{} // ids of the messages in entries
	unread  int
	scroll  int  // rendered lines scrolled up from the bottom
	loading bool // an older page is being fetched
	start   bool // history has nothing older than entries
}

func newConv(k kind, name string) *conv {
	return &conv{kind: k, name: name, seen: map[string]struct{}{}}
}

// key is the conversation's unique name: "#geral", "@bob" or "*".
func (c *conv) key() string { return convKey(c.kind, c.name) }

func convKey(k kind, name string) string {
	switch k {
	case channelKind:
		return "#" + name
	case privateKind:
		return "@" + name
	}
	return "*"
}

// has reports whether m is already in the conversation. Messages without
// an id (from servers that give none) are never recognised.
func (c *conv) has(m client.Message) bool {
	_, ok := c.seen[m.ID]
	return ok && m.ID != ""
}

// appendLive adds a live message at the end and reports whether it was new.
func (c *conv) appendLive(m client.Message) bool {
	if c.has(m) {
		return false
	}
	c.remember(m)
	c.entries = append(c.entries, entry{msg: m})
	c.keepView(1)
	c.trim()
	return true
}

// merge adds messages from history where they sort. A message already
// shown takes the stored clock and time (our copy of a private message we
// sent has the acknowledgement's). It returns how many were new.
func (c *conv) merge(msgs []client.Message) int {
	n := 0
	for _, m := range msgs {
		if c.has(m) {
			c.replace(m)
			continue
		}
		c.remember(m)
		c.insert(entry{msg: m})
		n++
	}
	c.trim()
	return n
}

// insert places e after the last entry that sorts before or with it, so
// that an older history page lands at the top.
func (c *conv) insert(e entry) {
	i := len(c.entries)
	for i > 0 && compareEntries(c.entries[i-1], e) > 0 {
		i--
	}
	c.entries = append(c.entries, entry{})
	copy(c.entries[i+1:], c.entries[i:])
	c.entries[i] = e
}

// replace swaps the message with m's id for m.
func (c *conv) replace(m client.Message) {
	for i := range c.entries {
		if e := &c.entries[i]; e.info == "" && e.msg.ID == m.ID {
			e.msg = m
			return
		}
	}
}

func compareEntries(a, b entry) int {
	return cmp.Or(cmp.Compare(a.clock(), b.clock()), cmp.Compare(a.msg.ID, b.msg.ID))
}

// note appends a line of client output.
func (c *conv) note(text string) {
	var last client.Message
	if n := len(c.entries); n > 0 {
		last = c.entries[n-1].msg
	}
	c.entries = append(c.entries, entry{msg: client.Message{Clock: last.Clock, ID: last.ID}, info: text})
	c.keepView(1)
	c.trim()
}

// noteTop puts a line of client output above everything.
func (c *conv) noteTop(text string) {
	c.entries = append([]entry{{info: text}}, c.entries...)
	c.trim()
}

func (c *conv) remember(m client.Message) {
	if m.ID != "" {
		c.seen[m.ID] = struct{}{}
	}
}

// keepView keeps a scrolled-up view on the same lines while n lines are
// added below it (approximately: one line per entry).
func (c *conv) keepView(n int) {
	if c.scroll > 0 {
		c.scroll += n
	}
}

// trim drops the oldest entries beyond maxEntries; they can be paged back.
func (c *conv) trim() {
	extra := len(c.entries) - maxEntries
	if extra <= 0 {
		return
	}
	for _, e := range c.entries[:extra] {
		if e.info == "" {
			delete(c.seen, e.msg.ID)
		}
	}
	c.entries = append([]entry(nil), c.entries[extra:]...)
	c.start = false
}

// oldestID is the cursor for the page before the buffer, "" when no
// message has an id.
func (c *conv) oldestID() string {
	for _, e := range c.entries {
		if e.info == "" && e.msg.ID != "" {
			return e.msg.ID
		}
	}
	return ""
}
