package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// reply applies the outcome of a request.
func (m *Model) reply(r replyMsg) tea.Cmd {
	delete(m.pending, r.seq)
	m.link = m.link.replied(r.err)
	if r.err != nil {
		m.failed(r)
		return nil
	}
	return m.succeeded(r.body)
}

// succeeded applies the result of a successful request.
func (m *Model) succeeded(body any) tea.Cmd {
	switch b := body.(type) {
	case loggedIn:
		return m.onLogin(b.user, b.notice)
	case usersList:
		m.st.users = b.names
		m.show(b.show, "users", b.names)
	case channelsList:
		m.st.channels = b.names
		m.show(b.show, "channels", b.names)
	case joined:
		m.st.note(fmt.Sprintf("joined #%s", b.channel))
	case created:
		cmd := m.join(b.channel, false)
		m.st.note(fmt.Sprintf("created #%s", b.channel))
		return cmd
	case sent:
		m.sent(b)
	case loaded:
		m.loaded(b)
	}
	return nil
}

// failed reports a failed request. Background refreshes only update the
// status line: a conversation would fill up with them during an outage.
func (m *Model) failed(r replyMsg) {
	if errors.Is(r.err, context.Canceled) {
		return
	}
	switch b := r.body.(type) {
	case usersList:
		if !b.show {
			m.lastErr = r.err.Error()
			return
		}
	case channelsList:
		if !b.show {
			m.lastErr = r.err.Error()
			return
		}
	case joined:
		m.st.close(m.st.find(channelKind, b.channel))
	case sent:
		m.restore(b.msg.Text)
	case loaded:
		if i := m.findKey(b.key); i >= 0 {
			m.st.convs[i].loading = false
		}
	}
	m.fail(r.err)
}

// restore puts the text of a message that could not be sent back in an
// empty input line, so that it is not lost.
func (m *Model) restore(text string) {
	if m.input.Value() == "" {
		m.input.SetValue(text)
		m.input.CursorEnd()
	}
}

// onLogin starts the chat: the user's inbox, the live messages, and the
// lists Tab completes from.
func (m *Model) onLogin(user, notice string) tea.Cmd {
	m.st.me = user
	m.input.Prompt = "> "
	m.input.Reset()
	m.resize(m.width, m.height)
	if notice != "" {
		m.st.note(notice)
	}
	m.st.note(fmt.Sprintf("logged in as %s. Type /help for the commands.", user))
	return tea.Batch(m.inboxCmd(user), listen(m.c.Messages()),
		m.usersCmd(false), m.channelsCmd(false), refreshAfter(m.opts.Refresh))
}

func (m *Model) show(show bool, what string, names []string) {
	if show {
		m.st.note(fmt.Sprintf("%s (%d): %s", what, len(names), strings.Join(names, " ")))
	}
}

// sent shows our own private message: the recipient's inbox is not ours,
// so no live copy comes back. Our posts come back live on the channel.
func (m *Model) sent(b sent) {
	if !b.msg.Private {
		return
	}
	if i := m.findKey(b.dst); i >= 0 {
		m.st.convs[i].appendLive(b.msg)
	}
}

// loaded merges a page of history into its conversation, if still open.
func (m *Model) loaded(b loaded) {
	i := m.findKey(b.key)
	if i < 0 {
		return
	}
	c := m.st.convs[i]
	c.loading = false
	n := c.merge(b.msgs)
	if b.older && len(b.msgs) < b.limit {
		c.start = true
		c.noteTop("(beginning of history)")
	}
	if !b.older && b.announce {
		c.note(fmt.Sprintf("history: %d stored messages, %d not shown before", len(b.msgs), n))
	}
}

func (m *Model) findKey(key string) int {
	for i, c := range m.st.convs {
		if c.key() == key {
			return i
		}
	}
	return -1
}
