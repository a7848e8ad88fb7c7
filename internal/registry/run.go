package registry

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/clock"
	"zchat/internal/metrics"
	"zchat/internal/zmqx"
)

// Config configures the reference.
type Config struct {
	Bind             string        // REP endpoint, e.g. tcp://*:5559
	DataDir          string        // where ranks persist; "" keeps them in memory
	HeartbeatTimeout time.Duration // default 1s
	Logger           *slog.Logger
	Metrics          *metrics.Endpoint // nil: no metrics

	// Cluster says who may call rank, list and heartbeat: the cluster's
	// members (the zero value: anyone).
	Cluster auth.Cluster
}

// pollInterval bounds how late the loop notices ctx and expired servers.
const pollInterval = 100 * time.Millisecond

// Run serves the registry until ctx is cancelled (nil error) or the socket
// fails.
func Run(ctx context.Context, cfg Config) error {
	if cfg.HeartbeatTimeout <= 0 {
		cfg.HeartbeatTimeout = time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	store, err := openRankStore(cfg.DataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	ranks, err := store.Load()
	if err != nil {
		return err
	}
	svc := &service{
		state: NewState(cfg.HeartbeatTimeout, ranks),
		store: store,
		clock: new(clock.Lamport),
		log:   log,
	}
	zctx, err := zmq.NewContext()
	if err != nil {
		return err
	}
	defer zctx.Term()
	side := zmqx.Side{Type: zmq.REP, Endpoint: cfg.Bind, Secure: cfg.Cluster.Server}
	rep, closeRep, err := zmqx.BindSide(zctx, side, zmqx.Options{Linger: 100 * time.Millisecond})
	if err != nil {
		return err
	}
	defer closeRep()
	log.Info("reference running", "bind", cfg.Bind, "data", cfg.DataDir, "known_servers", len(ranks), "cluster", cfg.Cluster)
	return serve(ctx, rep, svc, newObserver(cfg.Metrics, cfg.DataDir))
}

// serve owns rep: it answers every request it receives, exactly once.
func serve(ctx context.Context, rep *zmq.Socket, svc *service, obs observer) error {
	poller := zmq.NewPoller()
	poller.Add(rep, zmq.POLLIN)
	for ctx.Err() == nil {
		polled, err := poller.Poll(pollInterval)
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		svc.sweep(time.Now())
		obs.liveServers(svc.state, time.Now())
		if len(polled) == 0 {
			continue
		}
		frames, err := rep.RecvMessageBytes(0)
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
		start := time.Now()
		reply := svc.handle(frames, start)
		obs.request(frames, reply, time.Since(start))
		if _, err := rep.SendBytes(reply, 0); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	return nil
}
