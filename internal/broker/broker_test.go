package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/auth/authtest"
	"zchat/internal/freeport"
)

// workerEnv makes the test binary run as an echo worker (a real process
// that the test can SIGSTOP) instead of running the tests; keyEnv gives it
// the cluster key.
const (
	workerEnv = "ZCHAT_BROKER_TEST_WORKER"
	keyEnv    = "ZCHAT_BROKER_TEST_KEY"
)

// members is the cluster of the tests' brokers: workers hold its key.
var (
	clusterKey auth.Key
	members    auth.Cluster
)

func TestMain(m *testing.M) {
	if ep := os.Getenv(workerEnv); ep != "" {
		k, err := auth.KeyFromSecret(os.Getenv(keyEnv))
		if err != nil {
			panic(err)
		}
		runWorker(context.Background(), ep, "proc", auth.WithKey(k, nil))
		os.Exit(0)
	}
	var err error
	if clusterKey, err = auth.GenerateKey(); err != nil {
		panic(err)
	}
	members = auth.WithKey(clusterKey, slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

func freeEndpoint(t *testing.T) string {
	t.Helper()
	ep, err := freeport.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// startBroker runs the broker until the test ends and returns its
// endpoints. Its max frame is the default but it has no rate limit: these
// tests' closed-loop clients send hundreds of requests a second on one
// connection (limits_test.go tests the limits).
func startBroker(t *testing.T) (front, back string) {
	t.Helper()
	front, back = freeEndpoint(t), freeEndpoint(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{Frontend: front, Backend: back, Cluster: members}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return front, back
}

// runWorker echoes requests as "name:body" on a DEALER, connected as a
// client of cluster, until ctx is done.
func runWorker(ctx context.Context, backend, name string, cluster auth.Cluster) {
	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	s.SetLinger(0)
	s.SetRcvtimeo(50 * time.Millisecond)
	if err := cluster.Client(s); err != nil {
		panic(err)
	}
	if err := s.Connect(backend); err != nil {
		panic(err)
	}
	for ctx.Err() == nil {
		frames, err := s.RecvMessageBytes(0)
		if err != nil {
			continue
		}
		last := len(frames) - 1
		frames[last] = []byte(name + ":" + string(frames[last]))
		s.SendMessage(frames)
	}
}

// startWorker runs an in-process worker until the returned stop is called.
func startWorker(t *testing.T, backend, name string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); runWorker(ctx, backend, name, members) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// client is a lazy-pirate REQ client: on timeout it drops the socket.
type client struct {
	t        *testing.T
	endpoint string
	sock     *zmq.Socket
}

var errTimeout = errors.New("timeout")

func (c *client) call(body string, timeout time.Duration) (string, error) {
	if c.sock == nil {
		s, err := zmq.NewSocket(zmq.REQ)
		if err != nil {
			c.t.Fatal(err)
		}
		s.SetLinger(0)
		s.SetRcvtimeo(timeout)
		if err := s.Connect(c.endpoint); err != nil {
			c.t.Fatal(err)
		}
		c.sock = s
	}
	if _, err := c.sock.Send(body, 0); err != nil {
		return "", err
	}
	reply, err := c.sock.Recv(0)
	if err != nil {
		c.close()
		return "", errTimeout
	}
	return reply, nil
}

func (c *client) close() {
	if c.sock != nil {
		c.sock.Close()
		c.sock = nil
	}
}

// who asks until it gets an answer and returns the answering worker.
func (c *client) who(i int) string {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		reply, err := c.call(fmt.Sprint(i), 300*time.Millisecond)
		if err == nil {
			name, body, _ := strings.Cut(reply, ":")
			if body != fmt.Sprint(i) {
				c.t.Fatalf("reply %q to request %d", reply, i)
			}
			return name
		}
	}
	c.t.Fatalf("request %d: no reply before deadline", i)
	return ""
}

// waitBoth sends requests until both workers have answered: connections
// are asynchronous, so the first requests may all go to one worker.
func waitBoth(t *testing.T, c *client, a, b string) {
	t.Helper()
	seen := map[string]int{}
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; seen[a] == 0 || seen[b] == 0; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("answers per worker: %v", seen)
		}
		seen[c.who(i)]++
	}
}

func TestSpreadsOverWorkersAndSurvivesOne(t *testing.T) {
	front, back := startBroker(t)
	stopA := startWorker(t, back, "a")
	startWorker(t, back, "b")
	c := &client{t: t, endpoint: front}
	defer c.close()
	waitBoth(t, c, "a", "b")

	seen := map[string]int{}
	for i := 0; i < 40; i++ {
		seen[c.who(i)]++
	}
	if seen["a"] < 10 || seen["b"] < 10 {
		t.Fatalf("round-robin expected, got %v", seen)
	}

	stopA() // closes a's socket: the broker sees the disconnect
	for i := 0; i < 20; i++ {
		if w := c.who(i); w != "b" {
			t.Fatalf("request %d answered by %q after a stopped", i, w)
		}
	}
}

// A stopped (SIGSTOP) server keeps its TCP connection open; only ZMTP
// heartbeats make the broker drop it.
func TestHeartbeatDropsStoppedWorker(t *testing.T) {
	front, back := startBroker(t)
	startWorker(t, back, "live")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"="+back, keyEnv+"="+clusterKey.Secret)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := &client{t: t, endpoint: front}
	defer c.close()
	waitBoth(t, c, "live", "proc")

	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// Within a few heartbeat timeouts, requests stop timing out.
	deadline := time.Now().Add(5 * time.Second)
	clean := 0
	for i := 0; clean < 20; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("stopped worker still receives requests after 5s")
		}
		reply, err := c.call(fmt.Sprint(i), 300*time.Millisecond)
		switch {
		case err != nil:
			clean = 0
		case !strings.HasPrefix(reply, "live:"):
			t.Fatalf("reply %q from a stopped worker", reply)
		default:
			clean++
		}
	}
}

func TestCancelStopsPromptlyWithPendingRequest(t *testing.T) {
	front, back := freeEndpoint(t), freeEndpoint(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{Frontend: front, Backend: back, Cluster: members}) }()
	c := &client{t: t, endpoint: front}
	defer c.close()
	if _, err := c.call("nobody answers", 200*time.Millisecond); err == nil {
		t.Fatal("reply without workers")
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v", d)
	}
}

func TestBindErrorIsReturned(t *testing.T) {
	err := Run(context.Background(), Config{Frontend: "tcp://127.0.0.1:notaport", Backend: freeEndpoint(t)})
	if err == nil {
		t.Fatal("want a bind error")
	}
}

// A worker without the cluster key is refused at the backend and never
// sees a request; the member behind the same backend answers them all.
func TestBackendRefusesOutsiders(t *testing.T) {
	front, back := startBroker(t)
	outsider, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	defer outsider.Close()
	outsider.SetLinger(0)
	other, _ := auth.GenerateKey()
	outsider.SetCurveServerkey(clusterKey.Public) // it knows whom it calls
	outsider.SetCurvePublickey(other.Public)
	outsider.SetCurveSecretkey(other.Secret)
	wait := authtest.Watch(t, outsider)
	if err := outsider.Connect(back); err != nil {
		t.Fatal(err)
	}
	if ev := wait(5 * time.Second); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
		t.Fatalf("outsider's handshake: %v", ev)
	}
	startWorker(t, back, "member")
	c := &client{t: t, endpoint: front}
	defer c.close()
	for i := range 20 {
		if reply, err := c.call(fmt.Sprint(i), 5*time.Second); err != nil || reply != fmt.Sprintf("member:%d", i) {
			t.Fatalf("request %d: %q, %v", i, reply, err)
		}
	}
	if frames, err := outsider.RecvMessage(zmq.DONTWAIT); err == nil {
		t.Fatalf("the outsider received %q", frames)
	}
}
