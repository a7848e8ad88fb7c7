package fault_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// progressTimeout bounds every wait for the cluster to serve writes again.
const progressTimeout = 30 * time.Second

func TestKillServerUnderLoadThenRestartWithDisk(t *testing.T) {
	c := startCluster(t)
	l := startLoad(t, c.Frontend(), drivers, channels, nil)
	l.progress(100, progressTimeout)
	c.Kill("s2")
	l.progress(100, progressTimeout)
	c.StartServer("s2")
	l.progress(100, progressTimeout)
	checkConvergence(t, c, c.Servers(), channels, l)
}

// A server that loses its disk comes back empty, under a new origin, and
// copies everything from its peers.
func TestRestartWithEmptyDataDir(t *testing.T) {
	c := startCluster(t)
	first := startLoad(t, c.Frontend(), drivers, channels, nil)
	first.progress(300, progressTimeout)
	// Without --sync-replicas an ack means one disk: let the acked posts
	// reach every server before one disk goes.
	checkConvergence(t, c, c.Servers(), channels, first)
	c.Kill("s3")
	c.Wipe("s3")
	l := startLoad(t, c.Frontend(), drivers, channels, nil)
	c.StartServer("s3")
	l.progress(100, progressTimeout)
	checkConvergence(t, c, c.Servers(), channels, merge(first, l))
}

// A paused server (SIGSTOP) keeps its sockets open but answers nothing:
// the reference drops it after its heartbeat timeout, the others keep
// serving, and after SIGCONT it catches up.
func TestPauseServerLongerThanHeartbeatTimeout(t *testing.T) {
	c := startCluster(t)
	l := startLoad(t, c.Frontend(), drivers, channels, nil)
	l.progress(100, progressTimeout)
	c.Pause("s1")
	waitListed(t, c, "s1", false)
	l.progress(100, progressTimeout)
	c.Resume("s1")
	waitListed(t, c, "s1", true)
	l.progress(100, progressTimeout)
	checkConvergence(t, c, c.Servers(), channels, l)
}

func TestBrokerRestart(t *testing.T) {
	c := startCluster(t)
	l := startLoad(t, c.Frontend(), drivers, channels, nil)
	l.progress(100, progressTimeout)
	c.Restart("broker")
	l.progress(100, progressTimeout)
	checkConvergence(t, c, c.Servers(), channels, l)
}

func TestReferenceRestart(t *testing.T) {
	c := startCluster(t)
	l := startLoad(t, c.Frontend(), drivers, channels, nil)
	l.progress(100, progressTimeout)
	c.Kill("reference")
	l.progress(100, progressTimeout) // replication runs on the last known peers
	c.Restart("reference")
	for _, s := range c.Servers() {
		waitListed(t, c, s, true)
	}
	l.progress(100, progressTimeout)
	checkConvergence(t, c, c.Servers(), channels, l)
}

// After a proxy restart, subscribers get publications again without doing
// anything (libzmq resends a SUB's subscriptions when it reconnects).
func TestProxyRestart(t *testing.T) {
	c := startCluster(t)
	sub := subscribe(t, c.XPub(), channels[0])
	l := startLoad(t, c.Frontend(), drivers, channels, nil)
	sub.waitNew(t, "publications before the restart")
	c.Restart("proxy")
	sub.waitNew(t, "publications after the proxy restart")
	l.progress(100, progressTimeout)
	checkConvergence(t, c, c.Servers(), channels, l)
}

// With --sync-replicas 1 an acknowledged post is on two disks: killing the
// server that acknowledged it and wiping its disk loses nothing.
func TestSyncReplicasSurviveKillAndWipe(t *testing.T) {
	c := startCluster(t, "--sync-replicas", "1")
	ackedByS1 := make(chan struct{}, 1)
	l := startLoad(t, c.Frontend(), drivers, channels, func(a ack) {
		if a.server == "s1" {
			select {
			case ackedByS1 <- struct{}{}:
			default:
			}
		}
	})
	l.progress(100, progressTimeout)
	drain(ackedByS1)
	select {
	case <-ackedByS1:
	case <-time.After(progressTimeout):
		t.Fatal("s1 acknowledged nothing")
	}
	c.Kill("s1") // right after an ack of s1, with more of its acks in flight
	c.Wipe("s1")
	l.progress(100, progressTimeout)
	c.StartServer("s1")
	l.progress(100, progressTimeout)
	checkConvergence(t, c, c.Servers(), channels, l)
}

func drain(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

// merge joins the records of two loads run one after the other.
func merge(a, b *load) *load {
	a.halt()
	b.halt()
	m := &load{t: a.t, sent: map[string]bool{}, reasons: map[string]int{}, stop: make(chan struct{})}
	close(m.stop)
	for _, l := range []*load{a, b} {
		sent, acked := l.results()
		for text := range sent {
			m.sent[text] = true
		}
		m.acked = append(m.acked, acked...)
		m.count.Add(int64(len(acked)))
		m.retries.Add(l.retries.Load())
		m.erros.Add(l.erros.Load())
		for k, v := range l.reasons {
			m.reasons[k] += v
		}
	}
	return m
}

// subscriber counts publications on one topic, in its own goroutine.
type subscriber struct {
	mu   sync.Mutex
	seen int
}

func subscribe(t *testing.T, xpub, topic string) *subscriber {
	s, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	s.SetRcvtimeo(100 * time.Millisecond) // so that the loop sees quit
	if err := errors.Join(s.Connect(xpub), s.SetSubscribe(topic)); err != nil {
		t.Fatal(err)
	}
	sub, done, quit := &subscriber{}, make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		defer s.Close()
		sub.receive(s, quit)
	}()
	t.Cleanup(func() { close(quit); <-done })
	return sub
}

// receive counts two-frame publications until quit is closed.
func (sub *subscriber) receive(s *zmq.Socket, quit <-chan struct{}) {
	for {
		select {
		case <-quit:
			return
		default:
		}
		if frames, err := s.RecvMessageBytes(0); err == nil && len(frames) == 2 {
			sub.mu.Lock()
			sub.seen++
			sub.mu.Unlock()
		}
	}
}

func (s *subscriber) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen
}

// waitNew waits for publications received from now on.
func (s *subscriber) waitNew(t *testing.T, what string) {
	t.Helper()
	from := s.count()
	waitFor(t, progressTimeout, what, func() bool { return s.count() >= from+10 })
}
