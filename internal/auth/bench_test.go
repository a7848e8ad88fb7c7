package auth

import (
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/freeport"
)

// BenchmarkMemberLink measures what CURVE costs a member link: 200-byte
// requests echoed by a ROUTER over loopback TCP, 64 in flight, open and
// with the cluster key. Compare the two ns/op of one run.
func BenchmarkMemberLink(b *testing.B) {
	k, err := GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		cluster Cluster
	}{{"open", Open()}, {"curve", WithKey(k, quiet)}} {
		b.Run(tc.name, func(b *testing.B) { benchLink(b, tc.cluster) })
	}
}

func benchLink(b *testing.B, cluster Cluster) {
	srv, _ := zmq.NewSocket(zmq.ROUTER)
	release, err := cluster.Server(srv)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { srv.Close(); release() }()
	srv.SetLinger(0)
	ep, _ := freeport.Endpoint()
	if err := srv.Bind(ep); err != nil {
		b.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // srv is owned by this goroutine until done
		defer close(done)
		srv.SetRcvtimeo(100 * time.Millisecond) // to look at stop
		for {
			select {
			case <-stop:
				return
			default:
			}
			if frames, err := srv.RecvMessageBytes(0); err == nil {
				srv.SendMessage(frames)
			}
		}
	}()
	defer func() { close(stop); <-done }()
	cli, _ := zmq.NewSocket(zmq.DEALER)
	defer cli.Close()
	cli.SetLinger(0)
	cli.SetRcvtimeo(10 * time.Second) // a lost reply fails the run instead of hanging it
	if err := cluster.Client(cli); err != nil {
		b.Fatal(err)
	}
	cli.Connect(ep)
	body := make([]byte, 200)
	cli.SendBytes(body, 0) // handshake outside the measurement
	cli.RecvBytes(0)
	const window = 64
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	sent, got := 0, 0
	for got < b.N {
		for sent < b.N && sent-got < window {
			cli.SendBytes(body, 0)
			sent++
		}
		if _, err := cli.RecvBytes(0); err != nil {
			b.Fatal(err)
		}
		got++
	}
	b.StopTimer()
}
