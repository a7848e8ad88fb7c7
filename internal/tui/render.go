package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"zchat/internal/termtext"
)

// format is the text of one entry, terminal-safe (termtext.Clean): "[15:04:05 L42] <ana> hello" for a
// message (L is the Lamport clock), "-- text" for client output.
func format(e entry) string {
	if e.info != "" {
		return termtext.Clean("-- " + e.info)
	}
	m := e.msg
	return termtext.Clean(fmt.Sprintf("[%s L%d] <%s> %s", clockTime(m.Time), m.Clock, m.User, m.Text))
}

func clockTime(t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return t.Local().Format(time.TimeOnly)
}

// wrap breaks text into lines of at most width cells.
func wrap(text string, width int) []string {
	wrapped := lipgloss.NewStyle().Width(width).Render(text)
	lines := strings.Split(wrapped, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

// renderTail renders the newest entries of c until it has n lines (the
// view never needs more than a pane plus the scroll); all tells whether
// the whole buffer fit. Lines come oldest first.
func renderTail(c *conv, width, n int) (lines []string, all bool) {
	var rev [][]string
	count := 0
	i := len(c.entries) - 1
	for ; i >= 0 && count < n; i-- {
		l := wrap(format(c.entries[i]), width)
		rev = append(rev, l)
		count += len(l)
	}
	lines = make([]string, 0, count)
	for j := len(rev) - 1; j >= 0; j-- {
		lines = append(lines, rev[j]...)
	}
	return lines, i < 0
}

// visible is the height lines of c shown at its scroll position.
func visible(c *conv, width, height int) []string {
	lines, _ := renderTail(c, width, c.scroll+height)
	end := max(len(lines)-c.scroll, min(height, len(lines)))
	return lines[max(end-height, 0):end]
}

// label is a conversation's line in the side pane.
func label(c *conv) string {
	name := c.key()
	if c.kind == statusKind {
		name = "status"
	}
	if c.unread > 0 {
		name = fmt.Sprintf("%s (%d)", name, c.unread)
	}
	return termtext.Clean(name)
}
