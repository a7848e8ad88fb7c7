package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

var (
	activeStyle = lipgloss.NewStyle().Reverse(true)
	unreadStyle = lipgloss.NewStyle().Bold(true)
	statusStyle = lipgloss.NewStyle().Reverse(true)
)

// View draws the side pane and the message pane, then the status line and
// the input line.
func (m *Model) View() string {
	if m.width == 0 {
		return "starting..."
	}
	w, h := m.paneSize()
	side := lipgloss.NewStyle().Width(m.sideWidth()).Height(h).MaxHeight(h).
		BorderStyle(lipgloss.NormalBorder()).BorderRight(true).Render(m.sidePane())
	pane := lipgloss.NewStyle().Width(w).Height(h).MaxHeight(h).
		Render(strings.Join(visible(m.st.current(), w, h), "\n"))
	body := lipgloss.JoinHorizontal(lipgloss.Top, side, pane)
	return lipgloss.JoinVertical(lipgloss.Left, body, m.statusLine(), m.input.View())
}

// paneSize is the message pane's width and height.
func (m *Model) paneSize() (w, h int) {
	return max(m.width-m.sideWidth()-1, 10), max(m.height-2, 1)
}

func (m *Model) sideWidth() int { return min(max(m.width/5, 12), 24) }

func (m *Model) sidePane() string {
	lines := make([]string, len(m.st.convs))
	for i, c := range m.st.convs {
		l := truncate("  "+label(c), m.sideWidth())
		switch {
		case i == m.st.active:
			// The marker shows the active one on terminals without colour.
			l = activeStyle.Render(truncate("> "+label(c), m.sideWidth()))
		case c.unread > 0:
			l = unreadStyle.Render(l)
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// statusLine: who we are, the connection, our Lamport clock, where we are,
// and the last error.
func (m *Model) statusLine() string {
	who := or(m.st.me, "(not logged in)")
	parts := []string{who, m.link.String(), fmt.Sprintf("clock %d", m.c.Clock()), label(m.st.current())}
	if m.opts.Endpoint != "" {
		parts = append(parts, m.opts.Endpoint)
	}
	line := " " + strings.Join(parts, " | ")
	if m.lastErr != "" {
		line += " | last error: " + m.lastErr
	}
	return statusStyle.Render(padRight(truncate(line, m.width), m.width))
}

func truncate(s string, width int) string {
	if lipgloss.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && lipgloss.Width(string(r))+1 > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(width-lipgloss.Width(s), 0))
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
