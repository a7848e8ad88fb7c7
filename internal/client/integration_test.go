package client_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"zchat"
	"zchat/internal/client"
	"zchat/internal/testcluster"
)

func dial(t *testing.T, c *testcluster.Cluster) *client.Client {
	t.Helper()
	cl := client.New(client.Config{Broker: c.Frontend(), Proxy: c.XPub(), Timeout: 2 * time.Second, Retries: 5})
	t.Cleanup(func() { cl.Close() })
	return cl
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestClusterLibrary drives every request of the library through a real
// three-server cluster and follows a channel and an inbox with a Session.
func TestClusterLibrary(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 3})
	cl := dial(t, c)
	ctx := context.Background()
	for _, u := range []string{"ana", "anabela", "bob"} {
		must(t, cl.Login(ctx, u))
	}
	must(t, cl.CreateChannelAs(ctx, "ana", "geral"))
	must(t, cl.CreateChannel(ctx, "geral2"))
	s := client.NewSession(cl, client.ResumeOptions{})
	defer s.Close()
	must(t, s.Subscribe(ctx, client.ChannelTopic("geral")))
	must(t, s.Subscribe(ctx, client.UserTopic("ana")))
	_, err := cl.Publish(ctx, "bob", "geral2", "not for geral")
	must(t, err)
	_, err = cl.Send(ctx, "bob", "anabela", "not for ana")
	must(t, err)
	post, err := cl.Publish(ctx, "bob", "geral", "oi geral")
	must(t, err)
	dm, err := cl.Send(ctx, "bob", "ana", "oi ana")
	must(t, err)
	got := collect(t, s, 2, time.Second)
	if ids := idsOf(got); !slices.Equal(ids, []string{post.ID, dm.ID}) && !slices.Equal(ids, []string{dm.ID, post.ID}) {
		t.Fatalf("received %v, want exactly %s and %s", got, post.ID, dm.ID)
	}
	checkListsAndHistory(t, cl, post.ID, dm.ID)
}

func checkListsAndHistory(t *testing.T, cl *client.Client, postID, dmID string) {
	ctx := context.Background()
	waitUntil(t, func() bool {
		users, err := cl.Users(ctx)
		return err == nil && slices.Equal(users, []string{"ana", "anabela", "bob"})
	})
	chans, err := cl.Channels(ctx)
	if err != nil || !slices.Contains(chans, "geral") || !slices.Contains(chans, "geral2") {
		t.Fatalf("channels %q, %v", chans, err)
	}
	waitUntil(t, func() bool {
		h, err := cl.History(ctx, zchat.HistoryQuery{Channel: "geral"})
		return err == nil && len(h) == 1 && h[0].ID == postID && h[0].User == "bob" && h[0].Text == "oi geral"
	})
	waitUntil(t, func() bool {
		h, err := cl.History(ctx, zchat.HistoryQuery{User: "ana", Peer: "bob"})
		return err == nil && len(h) == 1 && h[0].ID == dmID && h[0].Private && h[0].Dst == "ana"
	})
}

// TestClusterRetryStoresOnce pauses the only server so that the first
// attempt times out; the retry carries the same request_id, so the post
// that the server finally processes twice is stored once.
func TestClusterRetryStoresOnce(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1})
	cl := client.New(client.Config{Broker: c.Frontend(), Timeout: 500 * time.Millisecond, Retries: 10})
	defer cl.Close()
	ctx := context.Background()
	must(t, cl.Login(ctx, "ana"))
	must(t, cl.CreateChannel(ctx, "geral"))
	c.Pause("s1")
	go func() { time.Sleep(1200 * time.Millisecond); c.Resume("s1") }()
	ack, err := cl.Publish(ctx, "ana", "geral", "once")
	must(t, err)
	time.Sleep(500 * time.Millisecond) // let the server drain the duplicates
	h, err := cl.History(ctx, zchat.HistoryQuery{Channel: "geral"})
	if err != nil || len(h) != 1 || h[0].ID != ack.ID {
		t.Fatalf("history after retries: %v, %v; want only %s", h, err, ack.ID)
	}
}

// TestClusterSessionSurvivesProxyRestart posts while the proxy restarts:
// every post is shown exactly once, the ones published into the void
// recovered from history.
func TestClusterSessionSurvivesProxyRestart(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1})
	cl := dial(t, c)
	ctx := context.Background()
	must(t, cl.CreateChannel(ctx, "geral"))
	s := client.NewSession(cl, client.ResumeOptions{Settle: time.Second})
	defer s.Close()
	must(t, s.Subscribe(ctx, client.ChannelTopic("geral")))
	var want []string
	post := func(text string) {
		ack, err := cl.Publish(ctx, "ana", "geral", text)
		must(t, err)
		want = append(want, ack.ID)
	}
	post("before")
	c.Stop("proxy")
	post("while down")
	c.Restart("proxy")
	post("just after")
	time.Sleep(300 * time.Millisecond)
	post("after")
	got := collect(t, s, len(want), 3*time.Second)
	if ids := idsOf(got); !sameSet(ids, want) {
		t.Fatalf("received %v, want each of %v once", ids, want)
	}
}

// collect reads n messages, then checks that nothing else comes for quiet.
func collect(t *testing.T, s *client.Session, n int, quiet time.Duration) []client.Message {
	t.Helper()
	var got []client.Message
	deadline := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case m := <-s.Messages():
			got = append(got, m)
		case <-deadline:
			t.Fatalf("received %d of %d messages: %v", len(got), n, got)
		}
	}
	select {
	case m := <-s.Messages():
		t.Fatalf("unexpected extra message %v after %v", m, got)
	case <-time.After(quiet):
	}
	return got
}

func idsOf(ms []client.Message) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
	}
}
