package main

import (
	"context"
	"log/slog"
	"time"

	"zchat"
	"zchat/internal/auth"
	"zchat/internal/metrics"
	"zchat/internal/server"
)

// ServerCmd runs one chat server replica.
type ServerCmd struct {
	Name         string        `help:"Server name, unique in the cluster (e.g. s1; default: the --data-slots slot, else the host name)."`
	Data         string        `required:"" help:"Data directory of this replica (with --data-slots: the parent of the slots)." type:"path"`
	DataSlots    int           `default:"0" help:"Replicas sharing one volume: use the first of DATA/s1..sN that no running server holds as data directory and default name."`
	Broker       string        `default:"tcp://127.0.0.1:5556" help:"Broker backend endpoint."`
	Proxy        string        `default:"tcp://127.0.0.1:5557" help:"Proxy XSUB endpoint (publications go out here)."`
	ProxySub     string        `default:"tcp://127.0.0.1:5558" help:"Proxy XPUB endpoint (the server listens to topic servers here)."`
	Reference    string        `default:"tcp://127.0.0.1:5559" help:"Reference registry endpoint."`
	PeerBind     string        `default:"tcp://127.0.0.1:0" help:"Server-to-server endpoint to bind (port 0: any free port)."`
	Advertise    string        `help:"Server-to-server endpoint peers should connect to (default: the bound one, a wildcard host replaced by the host name)."`
	MaxFrame     int           `default:"65536" help:"Largest accepted request frame, bytes."`
	MaxName      int           `default:"64" help:"Longest user or channel name, bytes."`
	MaxMessage   int           `default:"4096" help:"Longest message, bytes."`
	ClockSkew    time.Duration `default:"0s" help:"Fault injection: add this offset to the system clock reading."`
	SlewRate     float64       `default:"0.1" help:"How much slower, at most, the clock runs while absorbing a negative correction (0 < rate <= 1)."`
	MaxClockStep time.Duration `default:"2s" help:"Largest clock correction a Berkeley round applies at once; a clock further off converges over several rounds."`
	Heartbeat    time.Duration `default:"200ms" help:"Interval of heartbeats to the reference."`
	SyncReplicas int           `default:"0" help:"Acknowledge a write only after this many peers have committed it."`
	SyncTimeout  time.Duration `default:"2s" help:"How long to wait for --sync-replicas peers before answering erro."`
	MetricsFlag
	ClusterFlags
}

func (c *ServerCmd) Run(ctx context.Context, g *Globals) error {
	name, dir, release, err := c.identity()
	if err != nil {
		return err
	}
	defer release()
	log := g.Logger("server")
	cluster, err := c.cluster(log.With("server", name))
	if err != nil {
		return err
	}
	err = c.withMetrics(log.With("server", name), func(ep *metrics.Endpoint) error {
		return c.run(ctx, name, dir, log, ep, cluster)
	})
	flushZMQ(log.With("server", name))
	return err
}

func (c *ServerCmd) run(ctx context.Context, name, dir string, log *slog.Logger, ep *metrics.Endpoint, cluster auth.Cluster) error {
	return server.Run(ctx, server.Config{
		Name: name, DataDir: dir, Broker: c.Broker, Proxy: c.Proxy, ProxySub: c.ProxySub,
		Reference: c.Reference, PeerBind: c.PeerBind, Advertise: c.Advertise,
		Limits:    zchat.Limits{MaxFrame: c.MaxFrame, MaxName: c.MaxName, MaxMessage: c.MaxMessage},
		ClockSkew: c.ClockSkew, SlewRate: c.SlewRate, MaxClockStep: c.MaxClockStep, Heartbeat: c.Heartbeat,
		SyncReplicas: c.SyncReplicas, SyncTimeout: c.SyncTimeout, Logger: log, Metrics: ep, Cluster: cluster,
	})
}
