package server

import (
	"context"

	"fmt"
	zmq "github.com/pebbe/zmq4"
	"log/slog"
	"time"

	"zchat"
	"zchat/internal/clock"
	"zchat/internal/store"
	"zchat/internal/transport"
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
	err := serveBroker(ctx, cfg, h, pubs, log)
	stopPub()
	if perr := <-pubDone; err == nil {
		err = perr
	}
	return err
}

// serveBroker answers requests from the broker's backend over a DEALER, with
// many requests in flight so one slow commit does not serialize the cluster.
func serveBroker(ctx context.Context, cfg Config, h *Handler, pubs chan<- Publication, log *slog.Logger) error {
	sock, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return fmt.Errorf("broker socket: %w", err)
	}
	transport.SetLiveness(sock)
	sock.SetRcvhwm(100000)
	sock.SetSndhwm(100000)
	if err := sock.Connect(cfg.Broker); err != nil {
		sock.Close()
		return fmt.Errorf("connect broker %s: %w", cfg.Broker, err)
	}
	handle := func(ctx context.Context, body []byte) []byte {
		out := h.Handle(ctx, body)
		if out.Publication != nil {
			pubs <- *out.Publication
		}
		return out.Reply
	}
	r := &transport.Responder{Socket: sock, MaxInflight: cfg.MaxInflight, Handle: handle, Log: log}
	return r.Run(ctx)
}
