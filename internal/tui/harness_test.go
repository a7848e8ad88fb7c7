package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// harness runs a Model in Bubble Tea's test harness and lets the test look
// at it from inside the program's goroutine (the model is not safe to read
// from another one).
type harness struct {
	t  *testing.T
	tm *teatest.TestModel
}

// inspect runs fn on the model in the program's goroutine.
type inspect func(*Model)

type probed struct{ *Model }

func (p probed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if fn, ok := msg.(inspect); ok {
		fn(p.Model)
		return p, nil
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func start(t *testing.T, c Client, opts Options) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tm := teatest.NewTestModel(t, probed{New(ctx, c, opts)}, teatest.WithInitialTermSize(120, 30))
	h := &harness{t: t, tm: tm}
	t.Cleanup(func() { _ = tm.Quit() })
	return h
}

// typeLine types text and presses Enter.
func (h *harness) typeLine(text string) {
	h.tm.Type(text)
	h.key(tea.KeyEnter)
}

func (h *harness) key(k tea.KeyType) { h.tm.Send(tea.KeyMsg{Type: k}) }

func (h *harness) alt(k tea.KeyType) { h.tm.Send(tea.KeyMsg{Type: k, Alt: true}) }

// look returns fn's result computed on the model.
func (h *harness) look(fn func(*Model) string) string {
	got := make(chan string, 1)
	h.tm.Send(inspect(func(m *Model) { got <- fn(m) }))
	select {
	case s := <-got:
		return s
	case <-time.After(5 * time.Second):
		h.t.Fatal("the program does not answer")
		return ""
	}
}

// waitView waits until the screen contains every one of want.
func (h *harness) waitView(want ...string) string {
	h.t.Helper()
	return h.waitFor(strings.Join(want, ", "), func(m *Model) bool {
		v := m.View()
		for _, w := range want {
			if !strings.Contains(v, w) {
				return false
			}
		}
		return true
	})
}

// waitFor polls cond on the model until it holds, failing after a deadline.
func (h *harness) waitFor(what string, cond func(*Model) bool) string {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var view string
		ok := h.look(func(m *Model) string {
			view = m.View()
			if cond(m) {
				return "yes"
			}
			return ""
		}) == "yes"
		if ok {
			return view
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("waiting for %s; screen:\n%s", what, view)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
