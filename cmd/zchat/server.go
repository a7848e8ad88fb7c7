package main

import (
	"context"
	"time"

	"zchat"
	"zchat/internal/server"
)

// ServerCmd runs one chat server replica.
type ServerCmd struct {
	Name         string        `required:"" help:"Server name, unique in the cluster (e.g. s1)."`
	Data         string        `required:"" help:"Data directory of this replica." type:"path"`
	Broker       string        `default:"tcp://127.0.0.1:5556" help:"Broker backend endpoint."`
	Proxy        string        `default:"tcp://127.0.0.1:5557" help:"Proxy XSUB endpoint (publications go out here)."`
	ProxySub     string        `default:"tcp://127.0.0.1:5558" help:"Proxy XPUB endpoint (the server listens to topic servers here)."`
	Reference    string        `default:"tcp://127.0.0.1:5559" help:"Reference registry endpoint."`
	PeerBind     string        `default:"tcp://127.0.0.1:0" help:"Server-to-server endpoint to bind (port 0: any free port)."`
	Advertise    string        `help:"Server-to-server endpoint peers should connect to (default: the bound one)."`
	MaxFrame     int           `default:"65536" help:"Largest accepted request frame, bytes."`
	MaxName      int           `default:"64" help:"Longest user or channel name, bytes."`
	MaxMessage   int           `default:"4096" help:"Longest message, bytes."`
	ClockSkew    time.Duration `default:"0s" help:"Fault injection: add this offset to the system clock reading."`
	SlewRate     float64       `default:"0.1" help:"How much slower, at most, the clock runs while absorbing a negative correction (0 < rate <= 1)."`
	Heartbeat    time.Duration `default:"200ms" help:"Interval of heartbeats to the reference."`
	SyncReplicas int           `default:"0" help:"Acknowledge a write only after this many peers have committed it."`
	SyncTimeout  time.Duration `default:"2s" help:"How long to wait for --sync-replicas peers before answering erro."`
}

func (c *ServerCmd) Run(ctx context.Context, g *Globals) error {
	return server.Run(ctx, server.Config{
		Name: c.Name, DataDir: c.Data, Broker: c.Broker, Proxy: c.Proxy, ProxySub: c.ProxySub,
		Reference: c.Reference, PeerBind: c.PeerBind, Advertise: c.Advertise,
		Limits:    zchat.Limits{MaxFrame: c.MaxFrame, MaxName: c.MaxName, MaxMessage: c.MaxMessage},
		ClockSkew: c.ClockSkew, SlewRate: c.SlewRate, Heartbeat: c.Heartbeat,
		SyncReplicas: c.SyncReplicas, SyncTimeout: c.SyncTimeout, Logger: g.Logger("server"),
	})
}
