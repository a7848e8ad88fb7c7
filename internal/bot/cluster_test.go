package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"zchat"
	"zchat/internal/client"
	"zchat/internal/testcluster"
)

// TestBotsAgainstCluster runs two bots at full speed for 50 messages each
// and checks that every message they report as acknowledged is in history.
func TestBotsAgainstCluster(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 3, LogLevel: "info"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := Run(ctx, Config{
		Client: secureConfig(c),
		Count:  2, Messages: 50, RecordAcks: true, Progress: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report:\n%s", r)
	if r.Sent != 100 || r.Acked+r.Errors != r.Sent || r.Acked == 0 || int(r.Acked) != len(r.Messages) {
		t.Fatalf("report %+v", r)
	}
	reader := client.New(client.Config{Broker: c.Frontend()})
	defer reader.Close()
	waitStored(t, ctx, reader, r.Messages)
}

// waitStored waits until history holds every acknowledged message; reads
// go round-robin to servers that replicate asynchronously, so a deadline
// bounds the wait instead of one read deciding.
func waitStored(t *testing.T, ctx context.Context, c *client.Client, acked []Acked) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		missing := missingFromHistory(t, ctx, c, acked)
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d acknowledged messages not in history, e.g. %+v", len(missing), missing[0])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func missingFromHistory(t *testing.T, ctx context.Context, c *client.Client, acked []Acked) []Acked {
	stored := map[string][]string{} // channel -> ids
	var missing []Acked
	for _, a := range acked {
		ids, ok := stored[a.Channel]
		if !ok {
			msgs, err := c.History(ctx, zchat.HistoryQuery{Channel: a.Channel, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				ids = append(ids, m.ID)
			}
			stored[a.Channel] = ids
		}
		if a.ID == "" || !slices.Contains(ids, a.ID) {
			missing = append(missing, a)
		}
	}
	return missing
}

// secureConfig reaches c's authenticated ports: every bot client makes an
// ephemeral key, which claims its bots' names.
func secureConfig(c *testcluster.Cluster) client.Config {
	return client.Config{Broker: c.Frontend(), Proxy: c.XPub(), Secure: &client.Secure{
		Broker: c.SecureFrontend(), Proxy: c.SecureXPub(), ServerKey: c.AccessKey().Public}}
}

// TestBotEchoes sends a private message to a running bot and expects the
// echo back, all on the authenticated ports: two bots, each client with a
// key of its own that claimed its bot's name, and a person whose key
// claimed hers, so the message and the echo travel on private topics.
func TestBotEchoes(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1, LogLevel: "info"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	botCtx, stopBots := context.WithCancel(ctx)
	done := make(chan Report, 1)
	go func() {
		r, _ := Run(botCtx, Config{Client: secureConfig(c), Count: 2, Rate: 5, Progress: -1})
		done <- r
	}()
	person := client.New(secureConfig(c))
	defer person.Close()
	if claimed, err := person.LoginClaim(ctx, "ana"); err != nil || !claimed {
		t.Fatalf("ana's login: claimed %v, %v", claimed, err)
	}
	if err := person.Subscribe(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	name := waitBot(t, ctx, person)
	// A subscription reaches the server's PUB socket a moment after the
	// bot set it, and a publication sent before that is lost (PUB/SUB), so
	// the question is asked again until it is answered, as a person would.
	ask := time.NewTicker(2 * time.Second)
	defer ask.Stop()
	for echoed := false; !echoed; {
		if _, err := person.Send(ctx, "ana", name, "are you there?"); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-person.Messages():
			if m.User != name || m.Text != "echo: are you there?" {
				t.Fatalf("got %+v", m)
			}
			echoed = true
		case <-ask.C:
		case <-ctx.Done():
			t.Fatal("no echo")
		}
	}
	stopBots()
	if r := <-done; r.Echoed < 1 {
		t.Fatalf("echoed %d", r.Echoed)
	}
}

// waitBot waits until a bot has logged in and returns its name.
func waitBot(t *testing.T, ctx context.Context, c *client.Client) string {
	t.Helper()
	for {
		users, err := c.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if strings.HasPrefix(u, "bot-") {
				return u
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("no bot logged in")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
