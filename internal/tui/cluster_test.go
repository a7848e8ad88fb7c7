package tui

import (
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"zchat"
	"zchat/internal/account"
	"zchat/internal/client"
	"zchat/internal/testcluster"
)

// dial is the client of the real program on the cluster's authenticated
// ports, with a key directory of its own: its login loads or makes the
// user's key.
func dial(t *testing.T, c *testcluster.Cluster, backlog int) account.Interactive {
	t.Helper()
	cl := client.New(client.Config{Broker: c.Frontend(), Proxy: c.XPub(), Secure: &client.Secure{
		Broker: c.SecureFrontend(), Proxy: c.SecureXPub(), ServerKey: c.AccessKey().Public}})
	s := client.NewSession(cl, client.ResumeOptions{Backlog: backlog})
	t.Cleanup(func() { s.Close(); cl.Close() })
	return account.Interactive{Client: cl, Session: s, Keys: account.Keys{Dir: t.TempDir()}}
}

// TestAgainstCluster logs in through the interface (which makes ana's key
// and claims the name on the authenticated ports), joins a channel,
// posts, and receives a post and a private message from another client,
// all through a real cluster of three servers. The servers acknowledge
// writes once every one of them has them, so that the setup's requests
// (spread round-robin) see each other's effects.
func TestAgainstCluster(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 3, LogLevel: "info", ServerArgs: []string{"--sync-replicas", "2"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bob := dial(t, c, 0)
	_, err := bob.Login(ctx, "bob")
	must(t, err)
	must(t, bob.CreateChannelAs(ctx, "bob", "geral"))
	_, err = bob.Publish(ctx, "bob", "geral", "before ana came")
	must(t, err)
	must(t, bob.Subscribe(ctx, client.ChannelTopic("geral")))

	h := start(t, dial(t, c, 50), Options{})
	h.waitView("user name:")
	h.typeLine("ana")
	h.waitView("created a key for 'ana'", "logged in as ana", "| connected |")
	h.typeLine("/join geral")
	h.waitView("joined #geral", "<bob> before ana came")

	h.typeLine("hello from ana")
	h.waitView("<ana> hello from ana")
	expectMessage(t, bob.Messages(), "ana", "hello from ana")
	_, err = bob.Publish(ctx, "bob", "geral", "welcome ana")
	must(t, err)
	h.waitView("<bob> welcome ana")

	_, err = bob.Send(ctx, "bob", "ana", "a private word")
	must(t, err)
	h.waitView("@bob (1)")
	h.key(tea.KeyCtrlN)
	h.waitView("<bob> a private word")
	h.typeLine("a private answer")
	h.waitView("<ana> a private answer")
	stored, err := bob.History(ctx, zchat.HistoryQuery{User: "bob", Peer: "ana"})
	must(t, err)
	if len(stored) != 2 || stored[1].Text != "a private answer" {
		t.Fatalf("conversation in history: %+v", stored)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func expectMessage(t *testing.T, ch <-chan client.Message, user, text string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-ch:
			if m.User == user && m.Text == text {
				return
			}
		case <-deadline:
			t.Fatalf("no message %q from %s", text, user)
		}
	}
}
