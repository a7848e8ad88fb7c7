package coordination_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/coordination/survey"
	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// askTimeout bounds each status request; a SIGKILLed server the reference
// still lists costs that much per survey.
const askTimeout = 300 * time.Millisecond

// await surveys the cluster until cond holds, failing the test after
// limit with the last report.
func await(t *testing.T, c *testcluster.Cluster, limit time.Duration, what string, cond func(survey.Report) bool) survey.Report {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		r, err := survey.Survey(context.Background(), c.Reference(), askTimeout, c.Membership())
		if err == nil && cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; last survey (err %v):\n%s", what, limit, err, table(r))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func table(r survey.Report) string {
	var b bytes.Buffer
	r.WriteTable(&b)
	return b.String()
}

// highestLive is the answering server of the highest rank.
func highestLive(r survey.Report) string {
	best := survey.Server{Rank: -1 << 31}
	for _, s := range r.Servers {
		if s.Error == "" && s.Rank > best.Rank {
			best = s
		}
	}
	return best.Name
}

// agreedOnHighest: every answering server follows the highest of them,
// and n servers answer.
func agreedOnHighest(n int) func(survey.Report) bool {
	return func(r survey.Report) bool {
		return r.Agreed && len(r.Servers)-len(r.Unreachable) == n && r.Coordinator == highestLive(r)
	}
}

// watchServers subscribes to topic servers at the proxy and delivers the
// coordinator named by each standard announcement.
func watchServers(t *testing.T, xpub string) <-chan string {
	t.Helper()
	sock, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		t.Fatal(err)
	}
	sock.SetLinger(0)
	if err := sock.SetSubscribe("servers"); err != nil {
		t.Fatal(err)
	}
	if err := sock.Connect(xpub); err != nil {
		t.Fatal(err)
	}
	out, done, stopped := make(chan string, 1024), make(chan struct{}), make(chan struct{})
	go receiveAnnouncements(sock, out, done, stopped) // owns sock from here
	t.Cleanup(func() { close(done); <-stopped })
	return out
}

func receiveAnnouncements(sock *zmq.Socket, out chan<- string, done, stopped chan struct{}) {
	defer close(stopped)
	defer sock.Close()
	poller := zmq.NewPoller()
	poller.Add(sock, zmq.POLLIN)
	for {
		select {
		case <-done:
			return
		default:
		}
		if polled, _ := poller.Poll(50 * time.Millisecond); len(polled) == 0 {
			continue
		}
		frames, err := sock.RecvMessageBytes(0)
		if err != nil || len(frames) != 2 || string(frames[0]) != "servers" {
			continue
		}
		if m, err := wire.Decode(frames[1], 0); err == nil && m.Service == "election" {
			name, _ := m.Data["coordinator"].(string)
			select {
			case out <- name:
			default: // nobody is reading: drop
			}
		}
	}
}

// awaitAnnouncement waits until an announcement names want.
func awaitAnnouncement(t *testing.T, announced <-chan string, want string, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		select {
		case got := <-announced:
			if got == want {
				return
			}
		case <-timeout:
			t.Fatalf("no announcement of %s on topic servers within %v", want, limit)
		}
	}
}
