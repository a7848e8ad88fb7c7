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

// benchProxy runs a proxy (open member links: the benchmark measures the
// forwarding, not CURVE) with a publisher on its XSUB and subs subscribers
// of topic "geral" on its XPUB, and waits until a publication reaches
// every subscriber.
func benchProxy(b *testing.B, subs int) (pub *zmq.Socket, sockets []*zmq.Socket) {
	b.Helper()
	xsub, xpub := freeEndpoint(b), freeEndpoint(b)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{XSub: xsub, XPub: xpub}) }()
	b.Cleanup(func() { cancel(); <-done })
	pub = benchSocket(b, zmq.PUB, xsub)
	for range subs {
		s := benchSocket(b, zmq.SUB, xpub)
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

func benchSocket(b *testing.B, typ zmq.Type, ep string) *zmq.Socket {
	s, err := zmq.NewSocket(typ)
	if err != nil {
		b.Fatal(err)
	}
	s.SetLinger(0)
	s.SetSndhwm(100000)
	s.SetRcvhwm(100000)
	if err := auth.Open().Client(s); err != nil {
		b.Fatal(err)
	}
	if err := s.Connect(ep); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// stamped is a publication of about a post's size carrying its send time.
func stamped(now time.Time) []byte {
	p := make([]byte, 200)
	binary.BigEndian.PutUint64(p, uint64(now.UnixNano()))
	return p
}

func sentAt(p []byte) time.Time { return time.Unix(0, int64(binary.BigEndian.Uint64(p))) }

// Publications per second through the proxy to two subscribers, with
// benchWindow in flight; latencies are from publishing to receiving.
func BenchmarkProxyThroughput(b *testing.B) {
	pub, subs := benchProxy(b, 2)
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
		frames, err := subs[0].RecvMessageBytes(0)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(sentAt(frames[1])))
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
		frames, err := s.RecvMessageBytes(0)
		if err != nil {
			return lat
		}
		lat = append(lat, time.Since(sentAt(frames[1])))
	}
	return lat
}

// One publication at a time: the proxy's own latency, publisher to
// subscriber.
func BenchmarkProxyLatency(b *testing.B) {
	pub, subs := benchProxy(b, 1)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		pub.SendMessage("geral", stamped(time.Now()))
		frames, err := subs[0].RecvMessageBytes(0)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(sentAt(frames[1])))
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
