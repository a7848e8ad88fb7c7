package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zchat"
	"zchat/internal/auth"
	"zchat/internal/client"
	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// dialSecure is a client of c's authenticated ports proving key (zero: an
// ephemeral one), pinned to the cluster's access key.
func dialSecure(t *testing.T, c *testcluster.Cluster, key auth.Key) *client.Client {
	t.Helper()
	cl := client.New(client.Config{Broker: c.Frontend(), Proxy: c.XPub(), Timeout: 2 * time.Second, Retries: 5,
		Secure: &client.Secure{Broker: c.SecureFrontend(), Proxy: c.SecureXPub(), ServerKey: c.AccessKey().Public, Key: key}})
	t.Cleanup(func() { cl.Close() })
	return cl
}

func newKey(t *testing.T) auth.Key {
	t.Helper()
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// refused checks that err is the servers' refusal naming want.
func refused(t *testing.T, what string, err error, want string) {
	t.Helper()
	var re *client.ReplyError
	if !errors.As(err, &re) || !strings.Contains(re.Description, want) {
		t.Errorf("%s: %v, want a refusal with %q", what, err, want)
	}
}

// TestClaimedNameIsItsKeyHolders: once ana logs in with her key the name is
// hers: another key and the open port cannot log in, post, send, create a
// channel or read history as ana, nor receive her private messages, by
// any topic; ana receives them, from a second device with the same key
// too. One server, so that every publication reaches the proxy in the
// order it was made and a later canary proves an earlier one absent.
func TestClaimedNameIsItsKeyHolders(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1, LogLevel: "info"})
	ctx := context.Background()
	anaKey := newKey(t)
	ana := dialSecure(t, c, anaKey)
	claimed, err := ana.LoginClaim(ctx, "ana")
	if err != nil || !claimed {
		t.Fatalf("ana's first login: claimed %v, %v", claimed, err)
	}
	inbox := client.NewSession(ana, client.ResumeOptions{})
	defer inbox.Close()
	must(t, inbox.Subscribe(ctx, client.UserTopic("ana")))
	bob := dialSecure(t, c, auth.Key{})
	must(t, bob.Login(ctx, "bob"))
	must(t, bob.CreateChannelAs(ctx, "bob", "geral"))

	thief, open := dialSecure(t, c, newKey(t)), dial(t, c)
	for _, eve := range []*client.Client{thief, open} {
		for _, topic := range []string{"ana", wire.PrivateTopic(anaKey.Public), "geral"} {
			must(t, eve.Subscribe(ctx, topic))
		}
	}
	canary(t, bob, "subscribed", thief, open)

	dm, err := bob.Send(ctx, "bob", "ana", "secret 1")
	must(t, err)
	if got := collect(t, inbox, 1, 0); got[0].ID != dm.ID || got[0].Topic != "ana" || got[0].Text != "secret 1" {
		t.Fatalf("ana received %+v, want bob's private message", got[0])
	}
	for _, leaked := range canary(t, bob, "after the secret", thief, open) {
		t.Errorf("an eavesdropper received %+v", leaked)
	}

	checkCannotActAsAna(t, thief, "claimed by another key")
	checkCannotActAsAna(t, open, "log in with its key")
	checkSecondDevice(t, c, anaKey, bob, dm.ID)
}

// canary posts text to geral and waits until every eavesdropper receives
// it; it returns what else they received meanwhile.
func canary(t *testing.T, poster *client.Client, text string, eves ...*client.Client) []client.Message {
	t.Helper()
	var others []client.Message
	deadline := time.Now().Add(10 * time.Second)
	for _, eve := range eves {
		for seen := false; !seen; {
			if time.Now().After(deadline) {
				t.Fatalf("canary %q never arrived", text)
			}
			_, err := poster.Publish(context.Background(), "bob", "geral", text)
			must(t, err)
			for quiet := false; !quiet && !seen; {
				select {
				case m := <-eve.Messages():
					switch {
					case m.Topic == "geral" && m.Text == text:
						seen = true
					case m.Topic != "geral":
						others = append(others, m)
					}
				case <-time.After(100 * time.Millisecond):
					quiet = true
				}
			}
		}
	}
	return others
}

func checkCannotActAsAna(t *testing.T, eve *client.Client, want string) {
	t.Helper()
	ctx := context.Background()
	refused(t, "login", eve.Login(ctx, "ana"), want)
	_, err := eve.Publish(ctx, "ana", "geral", "forged post")
	refused(t, "publish", err, want)
	_, err = eve.Send(ctx, "ana", "bob", "forged message")
	refused(t, "message", err, want)
	refused(t, "channel", eve.CreateChannelAs(ctx, "ana", "anas"), want)
	for _, q := range []zchat.HistoryQuery{{User: "ana"}, {User: "ana", Peer: "bob"}, {User: "bob", Peer: "ana"}} {
		msgs, err := eve.History(ctx, q)
		if err == nil {
			t.Errorf("history %+v: read %d messages", q, len(msgs))
		}
	}
}

// checkSecondDevice: a second client with ana's key is ana: it logs in,
// reads her history, and receives her private messages beside the first.
func checkSecondDevice(t *testing.T, c *testcluster.Cluster, anaKey auth.Key, bob *client.Client, firstID string) {
	t.Helper()
	ctx := context.Background()
	other := dialSecure(t, c, anaKey)
	claimed, err := other.LoginClaim(ctx, "ana")
	if err != nil || claimed {
		t.Fatalf("ana's login from a second device: claimed %v, %v; want a plain login", claimed, err)
	}
	h, err := other.History(ctx, zchat.HistoryQuery{User: "ana"})
	if err != nil || len(h) != 1 || h[0].ID != firstID {
		t.Fatalf("ana's history from the second device: %v, %v", h, err)
	}
	s := client.NewSession(other, client.ResumeOptions{})
	defer s.Close()
	must(t, s.Subscribe(ctx, client.UserTopic("ana")))
	dm, err := bob.Send(ctx, "bob", "ana", "secret 2")
	must(t, err)
	if got := collect(t, s, 1, 0); got[0].ID != dm.ID {
		t.Fatalf("second device received %+v", got[0])
	}
	if h, err := bob.History(ctx, zchat.HistoryQuery{User: "bob", Peer: "ana"}); err != nil || len(h) != 2 {
		t.Fatalf("bob's side of the conversation: %v, %v", h, err)
	}
}

// TestUnclaimedNamesStayOpen: a name nobody claimed works as in the
// standard protocol, from the open port and from any key.
func TestUnclaimedNamesStayOpen(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1, LogLevel: "info"})
	ctx := context.Background()
	open, keyed := dial(t, c), dialSecure(t, c, auth.Key{})
	must(t, open.Login(ctx, "dave"))
	must(t, open.CreateChannelAs(ctx, "dave", "geral"))
	_, err := keyed.Publish(ctx, "dave", "geral", "as dave, from a key")
	must(t, err)
	_, err = open.Send(ctx, "erin", "dave", "to dave")
	must(t, err)
	if h, err := keyed.History(ctx, zchat.HistoryQuery{User: "dave"}); err != nil || len(h) != 1 {
		t.Fatalf("dave's history from any key: %v, %v", h, err)
	}
}
