package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"zchat"
	"zchat/internal/clock"
	"zchat/internal/store"
)

// Config is everything a server replica needs to run.
type Config struct {
	Name        string
	DataDir     string
	Broker      string // broker backend endpoint (DEALER connects)
	Proxy       string // proxy XSUB endpoint (PUB connects)
	Reference   string
	PeerBind    string
	Advertise   string
	Limits      zchat.Limits
	ClockSkew   time.Duration
	MaxInflight int
	Logger      *slog.Logger
}

func (c *Config) defaults() {
	if c.Limits == (zchat.Limits{}) {
		c.Limits = zchat.DefaultLimits
	}
	if c.MaxInflight <= 0 {
		c.MaxInflight = 4096
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Run serves until ctx is cancelled, then answers the requests already
// accepted, flushes publications and closes the store.
func Run(ctx context.Context, cfg Config) error {
	cfg.defaults()
	log := cfg.Logger.With("server", cfg.Name)
	st, err := store.Open(cfg.DataDir, cfg.Name, store.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	h := &Handler{
		Name: cfg.Name, Store: st, Lamport: &clock.Lamport{}, Log: log,
		Physical: clock.NewPhysical(cfg.ClockSkew, nil), Limits: cfg.Limits,
	}
	log.Info("serving", "broker", cfg.Broker, "proxy", cfg.Proxy, "origin", st.Origin())
	return serve(ctx, cfg, h, log)
}

// serve runs the sockets: the publisher outlives the frontend so that every
// accepted request's publication still goes out during shutdown.
func serve(ctx context.Context, cfg Config, h *Handler, log *slog.Logger) error {
	pubs := make(chan Publication, cfg.MaxInflight)
	pubCtx, stopPub := context.WithCancel(context.WithoutCancel(ctx))
	pubDone := make(chan error, 1)
	go func() { pubDone <- (&publisher{endpoint: cfg.Proxy, in: pubs, log: log}).run(pubCtx) }()
	fe := &frontend{endpoint: cfg.Broker, maxInflight: cfg.MaxInflight, handle: h.Handle, publish: pubs, log: log}
	err := fe.run(ctx)
	stopPub()
	if perr := <-pubDone; err == nil {
		err = perr
	}
	return err
}
