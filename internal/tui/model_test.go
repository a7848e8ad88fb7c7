package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"zchat/internal/client"
)

func TestChatWithFake(t *testing.T) {
	f := newFakeChat("geral")
	ctx := context.Background()
	_, _ = f.Publish(ctx, "bob", "geral", "said before we came")
	h := start(t, f, Options{})
	h.waitView("user name:")

	h.typeLine("bad name")
	h.waitView("error: login: invalid user name", "last error: login: invalid user name")
	h.typeLine("ana")
	h.waitView("logged in as ana", "| connected |")

	h.typeLine("/join geral")
	h.waitView("joined #geral", "<bob> said before we came")
	h.typeLine("hello all")
	h.waitView("<ana> hello all")
	_, _ = f.Publish(ctx, "bob", "geral", "hi ana")
	h.waitView("<bob> hi ana")

	_, _ = f.Send(ctx, "bob", "ana", "psst")
	h.waitView("@bob (1)")
	h.key(tea.KeyCtrlN)
	h.waitView("<bob> psst")
	h.typeLine("hey bob")
	h.waitView("<ana> hey bob")
	if got := h.look(func(m *Model) string { return label(m.st.current()) }); got != "@bob" {
		t.Fatalf("active %q", got)
	}

	h.alt(tea.KeyLeft)
	h.waitView("<ana> hello all")
	h.typeLine("/msg carl hi carl")
	h.waitFor("a conversation with carl", func(m *Model) bool {
		return m.st.current().key() == "@carl" && len(m.st.current().entries) == 1
	})
	h.typeLine("/users")
	h.waitView("users (1): ana")
}

func TestStalledRequestShowsRetrying(t *testing.T) {
	f := newFakeChat()
	f.hold = make(chan struct{})
	h := start(t, f, Options{User: "ana", Timeout: 50 * time.Millisecond})
	h.waitView("(not logged in) | retrying: no reply within 50ms")
	f.mu.Lock()
	close(f.hold)
	f.hold = nil
	f.mu.Unlock()
	h.waitView("ana | connected")
}

func TestPageUpLoadsOlderHistory(t *testing.T) {
	f := newFakeChat("geral")
	ctx := context.Background()
	const stored = 130
	for i := range stored {
		_, _ = f.Publish(ctx, "bob", "geral", fmt.Sprintf("post %d", i))
	}
	h := start(t, f, Options{User: "ana", Backlog: 50})
	h.waitView("logged in as ana")
	h.typeLine("/join geral")
	h.waitView("<bob> post 129")
	// Each PgUp at the top of the buffer loads the page before it.
	deadline := time.Now().Add(15 * time.Second)
	for {
		v := h.look((*Model).View)
		if strings.Contains(v, "<bob> post 0") && strings.Contains(v, "(beginning of history)") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PgUp did not reach the top of history:\n%s", v)
		}
		h.key(tea.KeyPgUp)
		time.Sleep(10 * time.Millisecond)
	}
	got := h.look(func(m *Model) string { return fmt.Sprint(len(m.st.current().entries)) })
	// The stored posts, "joined", and the note at the top of history.
	if got != fmt.Sprint(stored+2) {
		t.Fatalf("%s entries", got)
	}
	for range 20 {
		h.key(tea.KeyPgDown)
	}
	h.waitView("<bob> post 129")
}

func TestCommands(t *testing.T) {
	f := newFakeChat("geral")
	h := start(t, f, Options{User: "ana"})
	h.waitView("logged in as ana")
	h.typeLine("/join nowhere")
	h.waitView(`no channel "nowhere" (create it with /create nowhere)`)
	h.typeLine("/create news")
	h.waitView("created #news", "joined #news", "> #news")
	h.typeLine("/create news")
	h.waitView("error: channel: channel already exists")
	h.typeLine("/channels")
	h.waitView("channels (2): geral news")
	h.typeLine("/history 5")
	h.waitView("history: 0 stored messages, 0 not shown before")
	h.typeLine("/part")
	h.waitFor("#news closed", func(m *Model) bool { return m.st.find(channelKind, "news") < 0 })
	h.typeLine("text in the status buffer")
	h.waitView("nothing to post to here")
	h.typeLine("/help")
	h.waitView("/msg USER TEXT")

	h.tm.Type("/jo")
	h.key(tea.KeyTab)
	h.tm.Type("g")
	h.key(tea.KeyTab)
	h.waitFor("completion", func(m *Model) bool { return m.input.Value() == "/join geral " })
	h.key(tea.KeyEnter)
	h.waitView("joined #geral")

	h.typeLine("/quit")
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestQuitAtLogin(t *testing.T) {
	h := start(t, newFakeChat(), Options{})
	h.waitView("user name:")
	h.typeLine("/quit")
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestUnsentTextComesBack(t *testing.T) {
	f := newFakeChat("geral")
	f.refuse = fmt.Errorf("%w: no reply", client.ErrUnavailable)
	h := start(t, f, Options{User: "ana"})
	h.waitView("logged in as ana")
	h.typeLine("/join geral")
	h.waitView("joined #geral")
	h.typeLine("words worth keeping")
	h.waitView("error: cluster unavailable: no reply")
	h.waitFor("the text back in the input line", func(m *Model) bool { return m.input.Value() == "words worth keeping" })
}
