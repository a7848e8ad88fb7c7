package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"zchat/internal/auth"
	"zchat/internal/client/clienttest"
	"zchat/internal/wire"
)

func secureConfig(access auth.Key, broker, proxy string, user auth.Key) Config {
	cfg := testConfig("tcp://127.0.0.1:1", "tcp://127.0.0.1:1")
	cfg.Secure = &Secure{Broker: broker, Proxy: proxy, ServerKey: access.Public, Key: user}
	return cfg
}

func okReply(t *testing.T, req wire.Message) []byte {
	return clienttest.Reply(t, req.Service, map[string]any{"status": "sucesso"})
}

// TestSecureRequestsProveTheUserKey: requests reach the secure frontend as
// CURVE clients with the configured key, then with the key SetKey names;
// without a key the client makes an ephemeral one.
func TestSecureRequestsProveTheUserKey(t *testing.T) {
	access := clienttest.NewAccessKey(t)
	srv := clienttest.StartSecureServer(t, access, func(_ int, req wire.Message, _ string) []byte { return okReply(t, req) })
	ana, other := clienttest.NewAccessKey(t), clienttest.NewAccessKey(t)
	c := New(secureConfig(access, srv.Endpoint, "", ana))
	defer c.Close()
	ctx := context.Background()
	must(t, c.Login(ctx, "ana"))
	must(t, c.SetKey(ctx, other))
	must(t, c.Login(ctx, "bia"))
	if got := srv.Callers(); len(got) != 2 || got[0] != ana.Public || got[1] != other.Public {
		t.Fatalf("callers %q, want ana's key then the other", got)
	}
	if c.Key() != other {
		t.Fatal("Key() is not the key set")
	}

	anon := New(secureConfig(access, srv.Endpoint, "", auth.Key{}))
	defer anon.Close()
	must(t, anon.Login(ctx, "carla"))
	if got := srv.Callers(); len(got) != 3 || !ValidPublicKey(got[2]) || got[2] == ana.Public || got[2] != anon.Key().Public {
		t.Fatalf("callers %q: want a third, ephemeral key", got)
	}
}

func TestSetKeyNeedsSecureMode(t *testing.T) {
	c := New(testConfig("tcp://127.0.0.1:1", ""))
	defer c.Close()
	if err := c.SetKey(context.Background(), clienttest.NewAccessKey(t)); !errors.Is(err, ErrOpenMode) {
		t.Fatalf("SetKey in open mode: %v", err)
	}
}

// TestSecureSubscriberFollowsItsPrivateTopic: the private messages of the
// key's names arrive on its private topic and are delivered addressed to
// the followed name; after SetKey the socket follows the new key's topic
// (and still the names), not the old one's.
func TestSecureSubscriberFollowsItsPrivateTopic(t *testing.T) {
	access := clienttest.NewAccessKey(t)
	pub := clienttest.StartSecurePublisher(t, access)
	k1, k2 := clienttest.NewAccessKey(t), clienttest.NewAccessKey(t)
	c := New(secureConfig(access, "tcp://127.0.0.1:1", pub.Endpoint, k1))
	defer c.Close()
	ctx := context.Background()
	must(t, c.Subscribe(ctx, "ana"))
	dm := func(text string) []byte {
		return packed(t, map[string]any{"src": "bob", "dst": "ana", "message": text, "clock": 3, "id": "s1:" + text})
	}
	got := receiveWhilePublishing(t, c, pub, func() { pub.Publish(t, wire.PrivateTopic(k1.Public), dm("1")) })
	if got.Topic != "ana" || got.Dst != "ana" || !got.Private || got.Text != "1" {
		t.Fatalf("got %+v", got)
	}
	drainConnects(c)
	must(t, c.SetKey(ctx, k2))
	select {
	case <-c.Connects():
	case <-time.After(5 * time.Second):
		t.Fatal("no new handshake after SetKey")
	}
	drain(c.Messages(), 100*time.Millisecond)
	seen := map[string]bool{}
	deadline := time.After(5 * time.Second)
	for !seen["new"] || !seen["plain"] {
		pub.Publish(t, wire.PrivateTopic(k1.Public), dm("old"))
		pub.Publish(t, wire.PrivateTopic(k2.Public), dm("new"))
		pub.Publish(t, "ana", dm("plain"))
		select {
		case m := <-c.Messages():
			if m.Text == "old" {
				t.Fatalf("delivered the old key's topic after SetKey: %+v", m)
			}
			seen[m.Text] = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("after SetKey, received only %v", seen)
		}
	}
}

func drainConnects(c *Client) {
	select {
	case <-c.Connects():
	default:
	}
}

// TestChangedServerKeyIsRefused: a client expecting another access key
// than the cluster's fails the handshake, asks the open frontend, and
// reports the change at once instead of retrying in vain.
func TestChangedServerKeyIsRefused(t *testing.T) {
	access, stale := clienttest.NewAccessKey(t), clienttest.NewAccessKey(t)
	secure := clienttest.StartSecureServer(t, access, func(_ int, req wire.Message, _ string) []byte { return okReply(t, req) })
	open := clienttest.StartServer(t, func(_ int, req wire.Message) []byte {
		return clienttest.Reply(t, req.Service, map[string]any{"status": "OK", "key": access.Public})
	})
	cfg := secureConfig(stale, secure.Endpoint, "", clienttest.NewAccessKey(t))
	cfg.Broker = open.Endpoint
	cfg.Retries = 5
	c := New(cfg)
	defer c.Close()
	err := c.Login(context.Background(), "ana")
	var ke *ServerKeyError
	if !errors.As(err, &ke) || ke.Offered != access.Public || ke.Expected != stale.Public {
		t.Fatalf("login with a stale key: %v, want a ServerKeyError", err)
	}
	if n := len(open.Requests()); n != 1 || open.Requests()[0].Service != AuthKeyService {
		t.Fatalf("open frontend got %d requests, want one auth_key", n)
	}
	if len(secure.Requests()) != 0 {
		t.Fatal("the secure server was reached with a stale key")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
