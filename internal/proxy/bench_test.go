package proxy

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
)

// benchWindow is how many publications the throughput benchmark keeps in
// flight: enough to keep the proxy busy, few enough that no queue reaches
// its high-water mark (a drop would stall the benchmark).
const benchWindow = 1000

// benchSetup is how the benchmarked proxy runs.
type benchSetup struct {
	name   string
	key    bool // member links with a cluster key (CURVE on the XSUB)
	secure bool // a secure XPUB bound too (it needs the key), with no subscriber
}

var benchSetups = []benchSetup{
	{"open cluster", false, false},
	{"cluster key", true, false},
	{"cluster key and secure XPUB", true, true},
}

// benchProxy runs a proxy set up as setup with a publisher on its XSUB and
// subs subscribers of topic "geral" on its open XPUB, and waits until a
// publication reaches every subscriber.
func benchProxy(b *testing.B, setup benchSetup, subs int) (pub *zmq.Socket, sockets []*zmq.Socket) {
	b.Helper()
	xsub, xpub := freeEndpoint(b), freeEndpoint(b)
	cfg := Config{XSub: xsub, XPub: xpub}
	members := auth.Open()
	if setup.key {
		_, members = newMembers(b)
		cfg.Cluster = members
	}
	if setup.secure {
		cfg.SecureXPub = freeEndpoint(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	b.Cleanup(func() { cancel(); <-done })
	pub = benchSocket(b, zmq.PUB, xsub, members)
	for range subs {
		s := benchSocket(b, zmq.SUB, xpub, auth.Open())
		s.SetSubscribe("geral")
		sockets = append(sockets, s)
	}
	for _, s := range sockets {
		s.SetRcvtimeo(20 * time.Millisecond)
		for {
			pub.SendMessage("geral", "warm-up")
			if _, err := s.RecvMessageBytes(0); err == nil {
				break
			}
		}
	}
	for _, s := range sockets { // drain the other warm-ups
		for {
			if _, err := s.RecvMessageBytes(0); err != nil {
				break
			}
		}
		s.SetRcvtimeo(-1)
	}
	return pub, sockets
}

func benchSocket(b *testing.B, typ zmq.Type, ep string, cluster auth.Cluster) *zmq.Socket {
	s, err := zmq.NewSocket(typ)
	if err != nil {
		b.Fatal(err)
	}
	s.SetLinger(0)
	s.SetSndhwm(100000)
	s.SetRcvhwm(100000)
	if err := cluster.Client(s); err != nil {
		b.Fatal(err)
	}
	if err := s.Connect(ep); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// stampedSize is the size of the measured publications, about a post's.
const stampedSize = 200

// stamped is a measured publication carrying its send time.
func stamped(now time.Time) []byte {
	p := make([]byte, stampedSize)
	binary.BigEndian.PutUint64(p, uint64(now.UnixNano()))
	return p
}

// recvStamped receives the next measured publication on s (skipping a
// late warm-up) and returns how long it took to come.
func recvStamped(s *zmq.Socket) (time.Duration, error) {
	for {
		frames, err := s.RecvMessageBytes(0)
		if err != nil {
			return 0, err
		}
		if p := frames[len(frames)-1]; len(p) == stampedSize {
			return time.Since(time.Unix(0, int64(binary.BigEndian.Uint64(p)))), nil
		}
	}
}

// Publications per second through the proxy to two subscribers, with
// benchWindow in flight; latencies are from publishing to receiving.
func BenchmarkProxyThroughput(b *testing.B) {
	for _, setup := range benchSetups {
		b.Run(setup.name, func(b *testing.B) { benchThroughput(b, setup) })
	}
}

func benchThroughput(b *testing.B, setup benchSetup) {
	pub, subs := benchProxy(b, setup, 2)
	got := make(chan []time.Duration, len(subs))
	for _, s := range subs[1:] { // the first is read by the publisher's loop
		go func() { got <- receiveN(s, b.N) }()
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	received := 0
	for sent := 0; sent < b.N || received < b.N; {
		for sent < b.N && sent-received < benchWindow {
			pub.SendMessage("geral", stamped(time.Now()))
			sent++
		}
		d, err := recvStamped(subs[0])
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, d)
		received++
	}
	for range subs[1:] {
		lat = append(lat, <-got...)
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func receiveN(s *zmq.Socket, n int) []time.Duration {
	lat := make([]time.Duration, 0, n)
	for range n {
		d, err := recvStamped(s)
		if err != nil {
			return lat
		}
		lat = append(lat, d)
	}
	return lat
}

// One publication at a time: the proxy's own latency, publisher to
// subscriber.
func BenchmarkProxyLatency(b *testing.B) {
	for _, setup := range benchSetups {
		b.Run(setup.name, func(b *testing.B) { benchLatency(b, setup) })
	}
}

func benchLatency(b *testing.B, setup benchSetup) {
	pub, subs := benchProxy(b, setup, 1)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		pub.SendMessage("geral", stamped(time.Now()))
		d, err := recvStamped(subs[0])
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, d)
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(at(0.5), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}
