package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// key handles a key press: the chat keys first, then line editing.
func (m *Model) key(k tea.KeyMsg) tea.Cmd {
	switch k.String() {
	case "ctrl+c":
		return tea.Quit
	case "enter":
		return m.submit()
	}
	if m.loggedIn() {
		if cmd, ok := m.chatKey(k); ok {
			return cmd
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return cmd
}

// chatKey handles the keys of the chat screen; ok is false for the keys
// it leaves to the input line.
func (m *Model) chatKey(k tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	switch k.String() {
	case "tab":
		m.tab()
	case "ctrl+n", "alt+right", "alt+down":
		m.st.cycle(1)
	case "ctrl+p", "alt+left", "alt+up":
		m.st.cycle(-1)
	case "pgup":
		return m.pageUp(), true
	case "pgdown":
		c := m.st.current()
		c.scroll = max(c.scroll-m.page(), 0)
	default:
		return nil, false
	}
	return nil, true
}

func (m *Model) tab() {
	cands := candidates{users: m.st.names(privateKind), channels: m.st.names(channelKind)}
	var value string
	value, m.comp = complete(m.input.Value(), m.comp, cands)
	m.input.SetValue(value)
	m.input.CursorEnd()
}

// submit handles Enter: the user name on the login screen, else a line.
func (m *Model) submit() tea.Cmd {
	line := m.input.Value()
	m.input.Reset()
	if !m.loggedIn() {
		return m.submitName(strings.TrimSpace(line))
	}
	cmd, err := parse(line)
	if err != nil {
		m.fail(err)
		return nil
	}
	return m.run(cmd)
}

// submitName logs in; /quit works here too.
func (m *Model) submitName(name string) tea.Cmd {
	switch name {
	case "":
		return nil
	case "/quit", "/exit":
		return tea.Quit
	}
	return m.loginCmd(name)
}

// pageUp scrolls one page back; on reaching the top of the buffer it loads
// the page of history before it.
func (m *Model) pageUp() tea.Cmd {
	c := m.st.current()
	w, h := m.paneSize()
	lines, all := renderTail(c, w, c.scroll+h+m.page())
	top := len(lines) - h
	if !all {
		top = c.scroll + m.page()
	}
	c.scroll = max(min(c.scroll+m.page(), top), 0)
	if !all || c.scroll < top || c.start || c.loading || c.kind == statusKind {
		return nil
	}
	c.loading = true
	return m.historyCmd(c, m.opts.Backlog, c.oldestID(), false)
}

// page is how far PgUp and PgDn scroll: a pane less one line of context.
func (m *Model) page() int {
	_, h := m.paneSize()
	return max(h-1, 1)
}
