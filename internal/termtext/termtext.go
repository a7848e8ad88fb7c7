// Package termtext makes text from the network safe to print on a
// terminal. Messages, names and error descriptions come from other users
// and from servers we do not control: an escape sequence in them could
// move the cursor, rewrite earlier lines, change the window title or
// paste into the shell; a newline or a bidi override could forge a line
// that looks like it came from someone else. Every client that prints
// such text (TUI, plain menu, history, tail, one-shot commands) passes it
// through Clean first; JSON output keeps the exact text, since its
// encoder escapes control characters itself.
package termtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Clean returns s with terminal escape sequences removed and every
// remaining control character, bidirectional formatting character and
// invalid UTF-8 byte replaced by a visible stand-in, so that the text
// prints as one inert line.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	s = ansi.Strip(strings.ToValidUTF8(s, string(utf8.RuneError)))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(standIn(r))
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII needs no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// standIn is what r prints as: C0 controls as their Unicode control
// pictures (a newline shows as ␊, not as a new line), DEL as ␡, C1
// controls and bidi or invisible formatting characters as U+FFFD.
func standIn(r rune) rune {
	switch {
	case r < 0x20:
		return 0x2400 + r
	case r == 0x7f:
		return '␡'
	case unicode.Is(unicode.Cc, r), isBidiControl(r):
		return utf8.RuneError
	}
	return r
}

// isBidiControl reports the characters that reorder or hide text: the
// embeddings, overrides and isolates (the "Trojan Source" set), the
// direction marks and the Arabic letter mark.
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
