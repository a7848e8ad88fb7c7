package bench

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/broker"
	"zchat/internal/transport"
	"zchat/internal/wire"
)

// echoInflight is how many requests an echo worker keeps in flight, like a
// server (server.Config.MaxInflight's default).
const echoInflight = 4096

// echoHWM is the high-water mark of the server's broker socket.
const echoHWM = 100_000

// cannedReply is what an echo worker answers to everything: a publish
// acknowledgement of the usual size naming the worker, encoded once.
func cannedReply(name string) ([]byte, error) {
	data := map[string]any{"status": wire.StatusOK, "id": "echo.00000000:1", "server": name}
	return wire.Encode(wire.MsgPack, "publish", data, 1, float64(time.Now().UnixNano())/1e9)
}

// ServeEcho connects a DEALER to a broker's backend with the socket
// options of a server (a member of cluster) and answers every request at
// once with a canned reply, without decoding it, through the same
// transport.Responder (many requests in flight) as a server. It returns
// when ctx ends.
func ServeEcho(ctx context.Context, backend, name string, cluster auth.Cluster, log *slog.Logger) error {
	canned, err := cannedReply(name)
	if err != nil {
		return err
	}
	sock, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return fmt.Errorf("echo socket: %w", err)
	}
	transport.SetLiveness(sock)
	sock.SetRcvhwm(echoHWM)
	sock.SetSndhwm(echoHWM)
	if err := cluster.Client(sock); err != nil {
		sock.Close()
		return err
	}
	if err := sock.Connect(backend); err != nil {
		sock.Close()
		return fmt.Errorf("connect %s: %w", backend, err)
	}
	r := &transport.Responder{Socket: sock, MaxInflight: echoInflight, Log: log,
		Handle: func(context.Context, []byte) []byte { return canned }}
	return r.Run(ctx)
}

// ServeEchoRaw is ServeEcho without transport.Responder: one goroutine
// receives a request and sends the canned reply in the same loop, one at a
// time. Comparing it with ServeEcho shows what the Responder's handoffs
// (a goroutine per request, replies through a Go channel) cost.
func ServeEchoRaw(ctx context.Context, backend, name string, cluster auth.Cluster) error {
	canned, err := cannedReply(name)
	if err != nil {
		return err
	}
	sock, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return fmt.Errorf("echo socket: %w", err)
	}
	defer sock.Close()
	transport.SetLiveness(sock)
	sock.SetRcvhwm(echoHWM)
	sock.SetSndhwm(echoHWM)
	sock.SetRcvtimeo(100 * time.Millisecond)
	if err := cluster.Client(sock); err != nil {
		return err
	}
	if err := sock.Connect(backend); err != nil {
		return fmt.Errorf("connect %s: %w", backend, err)
	}
	for ctx.Err() == nil {
		frames, err := sock.RecvMessageBytes(0)
		if err != nil {
			continue
		}
		frames[len(frames)-1] = canned
		sock.SendMessageDontwait(frames)
	}
	return nil
}

// serveEcho runs the echo worker of cfg's kind.
func serveEcho(ctx context.Context, raw bool, backend, name string, cluster auth.Cluster, log *slog.Logger) error {
	if raw {
		return ServeEchoRaw(ctx, backend, name, cluster)
	}
	return ServeEcho(ctx, backend, name, cluster, log)
}

// echoTarget is a broker with echo workers behind it: child processes
// (like a cluster) or goroutines of this process.
type echoTarget struct {
	*spawned        // nil in process
	front    string // broker frontend
	cancel   func() // in process: stops broker and workers
	wg       sync.WaitGroup
}

func (e *echoTarget) frontend() string { return e.front }
func (e *echoTarget) xpub() string     { return "" }

// secure: the echo target measures the open transport; its workers are no
// servers and check no keys.
func (e *echoTarget) secure() *access { return nil }

func (e *echoTarget) processes() []namedPid {
	if e.spawned == nil {
		return nil
	}
	return e.spawned.processes()
}

func (e *echoTarget) stop() {
	if e.spawned != nil {
		e.spawned.stop()
		return
	}
	e.cancel()
	e.wg.Wait()
}

func startEcho(ctx context.Context, cfg *Config) (*echoTarget, error) {
	if cfg.Spawn.InProcess {
		return startEchoInProcess(cfg)
	}
	s, err := newSpawned(cfg.Spawn, cfg.Logger, "frontend", "backend", "secure-frontend")
	if err != nil {
		return nil, err
	}
	e := &echoTarget{spawned: s, front: s.eps["frontend"]}
	if err := e.boot(ctx, cfg.Spawn, cfg.EchoRaw); err != nil {
		e.stop()
		return nil, err
	}
	return e, nil
}

func (e *echoTarget) boot(ctx context.Context, sc *SpawnConfig, raw bool) error {
	workers := sc.Servers
	args := append([]string{"broker", "--frontend", e.eps["frontend"], "--secure-frontend", e.eps["secure-frontend"],
		"--backend", e.eps["backend"]}, sc.brokerArgs()...)
	args = append(args, e.members.args()...)
	if err := e.start("broker", args...); err != nil {
		return err
	}
	listening := []string{"frontend", "backend"}
	if e.members.secure() {
		listening = append(listening, "secure-frontend")
	}
	if err := e.waitDialable(ctx, []string{"broker"}, listening...); err != nil {
		return err
	}
	for i := 1; i <= workers; i++ {
		args := append([]string{"bench", "--echo-worker", e.eps["backend"], "--echo-name", serverName(i)}, e.members.echoArgs()...)
		if raw {
			args = append(args, "--echo-raw")
		}
		if err := e.start(serverName(i), args...); err != nil {
			return err
		}
	}
	return waitEchoWorkers(ctx, e.front, workers, func() error { return e.alive(e.order...) })
}

func startEchoInProcess(cfg *Config) (*echoTarget, error) {
	front, err := freeEndpoint()
	if err != nil {
		return nil, err
	}
	back, err := freeEndpoint()
	if err != nil {
		return nil, err
	}
	secure, err := freeEndpoint()
	if err != nil {
		return nil, err
	}
	cluster, err := inProcessMembers(cfg.Spawn.InsecureCluster)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &echoTarget{front: front, cancel: cancel}
	e.wg.Go(func() {
		bc := broker.Config{Frontend: front, SecureFrontend: secure, Backend: back, Logger: cfg.Logger, Cluster: cluster}
		if l := cfg.Spawn.BrokerLimits; l != nil {
			bc.Limits = *l
		}
		if err := broker.Run(ctx, bc); err != nil {
			cfg.Logger.Error("echo broker", "err", err)
		}
	})
	for i := 1; i <= cfg.Spawn.Servers; i++ {
		e.wg.Go(func() {
			if err := serveEcho(ctx, cfg.EchoRaw, back, serverName(i), cluster, cfg.Logger); err != nil {
				cfg.Logger.Error("echo worker", "err", err)
			}
		})
	}
	if err := waitEchoWorkers(ctx, front, cfg.Spawn.Servers, func() error { return nil }); err != nil {
		e.stop()
		return nil, err
	}
	return e, nil
}

// waitEchoWorkers waits until every worker has answered through the broker.
func waitEchoWorkers(ctx context.Context, front string, workers int, alive func() error) error {
	seen := map[string]bool{}
	return waitFor(ctx, "echo workers behind "+front, readyTimeout, 20*time.Millisecond, func() (bool, error) {
		if err := alive(); err != nil {
			return false, err
		}
		m, err := ask(front, "publish", nil, 500*time.Millisecond)
		if err == nil {
			s, _ := m.OptString("server")
			seen[s] = true
		}
		return len(seen) >= workers, err
	})
}
