package plain

import (
	"bufio"
	"fmt"
	"io"
	"sync"

	"zchat/internal/client"
	"zchat/internal/termtext"
)

func newScanner(in io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	return sc
}

// lockedWriter serializes the menu's output and the incoming messages.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// printf prints one formatted line (or prompt) made terminal-safe: names,
// messages and error texts come from the network. The format's own
// newlines are kept, those inside the arguments are not.
func (l *lockedWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format, cleanArgs(args)...)
}

// cleanArgs replaces every textual argument by its terminal-safe form.
func cleanArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out[i] = termtext.Clean(v)
		case error, fmt.Stringer:
			out[i] = termtext.Clean(fmt.Sprint(v))
		default:
			out[i] = a
		}
	}
	return out
}

// printIncoming prints the messages of the followed topics until stop.
func (m *menu) printIncoming(stop <-chan struct{}) {
	for {
		select {
		case msg, ok := <-m.c.Messages():
			if !ok {
				return
			}
			m.out.printf("\n%s\n", msg)
		case <-stop:
			return
		}
	}
}

func (m *menu) list(title string, names []string, err error) {
	if err != nil {
		m.fail(err)
		return
	}
	m.out.printf("%s (%d):\n", title, len(names))
	for _, n := range names {
		m.out.printf("  %s\n", n)
	}
}

func (m *menu) fail(err error) { m.out.printf("error: %v\n", err) }

func (m *menu) acked(what string, ack client.Ack, err error) {
	if err != nil {
		m.fail(err)
		return
	}
	m.out.printf("%s (id %s, clock %d)\n", what, or(ack.ID, "-"), ack.Clock)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
