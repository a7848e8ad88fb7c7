package tui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"
)

// run carries out a parsed command.
func (m *Model) run(c command) tea.Cmd {
	switch c.name {
	case "say":
		return m.say(c.text)
	case "join":
		return m.join(c.arg, true)
	case "create":
		return m.createCmd(c.arg)
	case "msg":
		return m.msg(c.arg, c.text)
	case "users":
		return m.usersCmd(true)
	case "channels":
		return m.channelsCmd(true)
	case "history":
		return m.history(c.n)
	case "part":
		return m.part()
	case "help":
		m.help()
	case "quit":
		return tea.Quit
	}
	return nil
}

// say posts to the active channel or sends to the active conversation.
func (m *Model) say(text string) tea.Cmd {
	c := m.st.current()
	switch c.kind {
	case channelKind:
		return m.publishCmd(c.name, text)
	case privateKind:
		return m.sendCmd(c.name, text)
	}
	m.fail(errors.New("nothing to post to here: /join a channel or /msg a user"))
	return nil
}

// join focuses the channel, opening it first when new: the conversation
// must exist before the subscription delivers the channel's recent posts.
// check verifies that the channel exists.
func (m *Model) join(channel string, check bool) tea.Cmd {
	_, created := m.st.open(channelKind, channel)
	m.st.focus(m.st.find(channelKind, channel))
	if !created {
		return nil
	}
	return m.joinCmd(channel, check)
}

// msg sends a private message and focuses its conversation, loading the
// conversation's history when it is new.
func (m *Model) msg(user, text string) tea.Cmd {
	c, created := m.st.open(privateKind, user)
	m.st.focus(m.st.find(privateKind, user))
	send := m.sendCmd(user, text)
	if !created {
		return send
	}
	return tea.Batch(m.historyCmd(c, m.opts.Backlog, "", false), send)
}

func (m *Model) history(n int) tea.Cmd {
	c := m.st.current()
	if c.kind == statusKind {
		m.fail(errors.New("/history works in a channel or a conversation"))
		return nil
	}
	return m.historyCmd(c, n, "", true)
}

// part leaves the active channel or closes the active conversation.
func (m *Model) part() tea.Cmd {
	c := m.st.current()
	m.st.close(m.st.active)
	switch c.kind {
	case channelKind:
		return m.partCmd(c.name)
	case statusKind:
		m.fail(errors.New("the status buffer cannot be closed"))
	}
	return nil
}

func (m *Model) help() {
	m.st.note("commands:")
	for _, c := range commands {
		m.st.note("  " + c.usage)
	}
	m.st.note("  other text posts to the active channel or conversation")
	m.st.note("keys: Tab completes; Ctrl-N/Ctrl-P or Alt-arrows switch; PgUp/PgDn scroll back; Ctrl-C quits")
	m.st.note("messages read [time Lclock] <sender> text, L being the Lamport clock")
}
