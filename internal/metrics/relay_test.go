package metrics_test

import (
	"context"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/broker"
	"zchat/internal/metrics"
	"zchat/internal/proxy"
	"zchat/internal/registry"
	"zchat/internal/testcluster"
)

// members returns a cluster of its own for one component.
func members(t *testing.T) auth.Cluster {
	t.Helper()
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithKey(k, nil)
}

// serve runs a component in-process with a metrics endpoint served on a
// free port, and returns the endpoint's URL.
func serve(t *testing.T, run func(ctx context.Context, ep *metrics.Endpoint) error) string {
	t.Helper()
	ep := metrics.New()
	l, err := ep.Listen("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, ep) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("component: %v", err)
		}
		l.Close()
	})
	return "http://" + l.Addr()
}

func TestBrokerForwardedMessages(t *testing.T) {
	front, back := freeEndpoint(t), freeEndpoint(t)
	cluster := members(t)
	url := serve(t, func(ctx context.Context, ep *metrics.Endpoint) error {
		return broker.Run(ctx, broker.Config{Frontend: front, Backend: back, Metrics: ep, Cluster: cluster})
	})
	done := make(chan struct{})
	defer func() { <-done }()
	go func() { // a server echoing one request; owns its socket
		defer close(done)
		rep, _ := zmq.NewSocket(zmq.REP)
		defer rep.Close()
		rep.SetLinger(time.Second)
		rep.SetRcvtimeo(5 * time.Second)
		cluster.Client(rep)
		rep.Connect(back)
		if msg, err := rep.RecvBytes(0); err == nil {
			rep.SendBytes(msg, 0)
		}
	}()
	if _, err := testcluster.Ask(front, "users", nil, 5*time.Second); err != nil {
		t.Fatalf("request through the broker: %v", err)
	}
	waitFor(t, "request and reply counted", func() bool {
		got := scrapeURL(t, url)
		return got["zchat_forwarded_messages_total"] >= 2 && got["zchat_forwarded_bytes_total"] > 0
	})
	if code, rep := healthOf(t, url); code != 200 || rep.Checks["forwarding"] != "ok" {
		t.Fatalf("healthz: %d %+v", code, rep)
	}
}

func TestProxyForwardedMessages(t *testing.T) {
	xsub, xpub := freeEndpoint(t), freeEndpoint(t)
	cluster := members(t)
	url := serve(t, func(ctx context.Context, ep *metrics.Endpoint) error {
		return proxy.Run(ctx, proxy.Config{XSub: xsub, XPub: xpub, Metrics: ep, Cluster: cluster})
	})
	pub, _ := zmq.NewSocket(zmq.PUB)
	defer pub.Close()
	sub, _ := zmq.NewSocket(zmq.SUB)
	defer sub.Close()
	pub.SetLinger(0)
	sub.SetLinger(0)
	cluster.Client(pub)
	pub.Connect(xsub)
	sub.Connect(xpub)
	sub.SetSubscribe("geral")
	sub.SetRcvtimeo(50 * time.Millisecond)
	waitFor(t, "a publication through the proxy", func() bool {
		pub.SendMessage("geral", "x")
		_, err := sub.RecvMessage(0)
		return err == nil
	})
	waitFor(t, "subscription and publications counted", func() bool {
		return scrapeURL(t, url)["zchat_forwarded_messages_total"] >= 2
	})
}

func TestReferenceRequests(t *testing.T) {
	bind := freeEndpoint(t)
	cluster := members(t)
	url := serve(t, func(ctx context.Context, ep *metrics.Endpoint) error {
		return registry.Run(ctx, registry.Config{Bind: bind, DataDir: t.TempDir(), Metrics: ep, Cluster: cluster})
	})
	for range 3 {
		if _, err := testcluster.AskWith(cluster, bind, "list", nil, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	testcluster.AskWith(cluster, bind, "bogus", nil, 5*time.Second)
	got := scrapeURL(t, url)
	must(t, got, `zchat_requests_total{service="list",status="OK"}`, eq(3), "3")
	must(t, got, `zchat_requests_total{service="unknown",status="erro"}`, eq(1), "1")
	must(t, got, "zchat_reference_live_servers", eq(0), "0")
	if code, rep := healthOf(t, url); code != 200 || rep.Checks["storage"] != "ok" {
		t.Fatalf("healthz: %d %+v", code, rep)
	}
}
