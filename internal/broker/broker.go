// Package broker is the request broker of the standard topology: a ROUTER
// bound for the clients' REQ (or DEALER) sockets and a DEALER bound for
// the servers, joined by the broker's own forwarding loop (loop.go). The
// DEALER spreads requests round-robin over the connected servers; replies
// go back by the ROUTER's routing envelope.
//
// A second, optional ROUTER, the secure frontend, takes the requests of
// clients that prove a user key of their own (CURVE, the users' ZAP domain
// of auth.Users). Every request the broker forwards starts with a tag
// frame the broker builds (frontend.go): empty for the open frontend, the
// client's public key for the secure one. Servers read who is asking from
// it alone (a client cannot forge it: its own frames come after) and
// return it with the reply, which the broker routes back to the frontend
// it names.
//
// Before a request is forwarded the loop applies the limits (Limits): a
// token bucket per client connection (limiter.go), and per user key on the
// secure frontend, and the servers' max frame. A request over either gets an immediate "erro" reply from the
// broker (refuse.go) and never reaches a server, so one client flooding
// requests cannot take the servers from the others. Frames beyond a hard
// cap (HardCapFactor times the max frame) are refused by libzmq itself,
// which drops the sender's connection before buffering them.
//
// The backend accepts only the cluster's members (Config.Cluster): a
// server that connects there is sent clients' requests. The open frontend
// stays open to every client.
//
// Both sockets send ZMTP heartbeats: a server that dies or stops (SIGSTOP)
// is disconnected within about a second, after which the DEALER no longer
// routes requests to it. Requests already queued to that server are lost;
// clients retry (lazy pirate). With no server connected, requests wait in
// the ROUTER's queue (up to the high-water mark) instead of blocking the
// loop, and shutdown stays prompt.
package broker

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat"
	"zchat/internal/auth"
	"zchat/internal/metrics"
	"zchat/internal/zmqx"
)

// Config says where the broker listens and what it lets through.
type Config struct {
	Frontend string // ROUTER endpoint for clients, e.g. tcp://*:5555
	Backend  string // DEALER endpoint for servers, e.g. tcp://*:5556
	// SecureFrontend is the ROUTER endpoint for clients with a user key,
	// e.g. tcp://*:5560; "" runs without one. It needs the cluster key
	// (its CURVE key is the cluster's access key): with an open Cluster it
	// is not bound, with a warning.
	SecureFrontend string
	Limits         Limits
	Logger         *slog.Logger
	Metrics        *metrics.Endpoint // nil: metrics are kept but not served

	// Cluster says who may connect to the backend, where clients'
	// requests go: the cluster's members (the zero value: anyone).
	Cluster auth.Cluster
}

// Limits bound what one client connection (and, on the secure frontend,
// one user key) may send through the broker.
type Limits struct {
	// RatePerSecond is each connection's sustained request rate, and each
	// user key's on the secure frontend over all its connections; 0: no
	// rate limit.
	RatePerSecond float64
	// Burst is how many requests a connection may send at once above its
	// rate (the bucket's size); with a rate and Burst < 1, the rate
	// rounded up.
	Burst int
	// MaxFrame is the largest request body forwarded, in bytes; 0:
	// zchat.DefaultLimits.MaxFrame, the servers' own default.
	MaxFrame int
}

// DefaultLimits are what `zchat broker` applies unless told otherwise.
//
// 100 requests/s per connection is far above any person: typing, or the
// few requests of a client's login, are a handful per second, and our bot
// posts 1/s. But it is ~6% of what the whole cluster acknowledges (about
// 1700 durable publishes/s on the 2-core reference machine, BENCHMARKS.md),
// so no single connection can take the servers from everyone else, while
// a flood (a DEALER with 1000 requests in flight sends over 10k/s) is
// almost entirely refused at the broker. The burst of 200 lets a client
// catch up after a pause (history of many channels at login) without
// being refused.
var DefaultLimits = Limits{RatePerSecond: 100, Burst: 200, MaxFrame: zchat.DefaultLimits.MaxFrame}

// HardCapFactor sets the frontend's ZMQ_MAXMSGSIZE to this many times the
// max frame: frames up to it get a clear "too large" reply, larger ones
// cost the sender its connection and never sit in the broker's memory.
const HardCapFactor = 4

// socketOptions bound memory per peer (10k messages of a few hundred bytes)
// and shutdown time, and detect dead peers quickly.
var socketOptions = zmqx.Options{
	HWM:       10000,
	Linger:    200 * time.Millisecond,
	Heartbeat: zmqx.DefaultHeartbeat,
}

func (l Limits) normalized() (Limits, error) {
	switch {
	case l.RatePerSecond < 0 || math.IsNaN(l.RatePerSecond) || math.IsInf(l.RatePerSecond, 0):
		return l, fmt.Errorf("rate limit %v: want a finite number >= 0", l.RatePerSecond)
	case l.Burst < 0:
		return l, fmt.Errorf("rate burst %d: want >= 0", l.Burst)
	case l.MaxFrame < 0 || l.MaxFrame > math.MaxInt32/HardCapFactor:
		return l, fmt.Errorf("max frame %d: want 0 (default) up to %d", l.MaxFrame, math.MaxInt32/HardCapFactor)
	}
	if l.MaxFrame == 0 {
		l.MaxFrame = zchat.DefaultLimits.MaxFrame
	}
	if l.RatePerSecond > 0 && l.Burst < 1 {
		l.Burst = int(math.Ceil(l.RatePerSecond))
	}
	return l, nil
}

// Run binds both sockets and forwards until ctx is cancelled (nil error)
// or the broker fails.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	limits, err := cfg.Limits.normalized()
	if err != nil {
		return err
	}
	zctx, err := zmq.NewContext()
	if err != nil {
		return err
	}
	defer zctx.Term()
	front, closeFront, err := bindFrontend(zctx, zmqx.Side{Type: zmq.ROUTER, Endpoint: cfg.Frontend}, limits)
	if err != nil {
		return err
	}
	defer closeFront()
	secure, closeSecure, err := bindSecureFrontend(zctx, cfg, limits, log)
	if err != nil {
		return err
	}
	defer closeSecure()
	back, closeBack, err := bindBackend(zctx, cfg)
	if err != nil {
		return err
	}
	defer closeBack()
	stats := cfg.Metrics.Broker()
	log.Info("broker running", "front", cfg.Frontend, "secure_front", boundOrNone(secure, cfg.SecureFrontend), "back", cfg.Backend,
		"rate_limit", limits.RatePerSecond, "rate_burst", limits.Burst, "max_frame", limits.MaxFrame)
	stats.Forwarding.Set(true)
	err = newRelay(front, secure, back, limits, stats).run(ctx)
	stats.Forwarding.Set(false)
	log.Info("broker stopped", "err", err)
	return err
}

// boundOrNone names a frontend's endpoint for the log, or says that it is
// not bound.
func boundOrNone(s *zmq.Socket, endpoint string) string {
	if s == nil {
		return "none"
	}
	return endpoint
}

// bindFrontend creates a ROUTER the clients connect to.
func bindFrontend(zctx *zmq.Context, side zmqx.Side, limits Limits) (*zmq.Socket, func(), error) {
	opts := socketOptions
	opts.MaxFrame = int64(limits.MaxFrame) * HardCapFactor
	return zmqx.BindSide(zctx, side, opts)
}

// bindSecureFrontend creates the secure frontend, a CURVE server of the
// cluster's access key for users (nil when there is none: not asked for,
// or an open cluster, which has no access key).
func bindSecureFrontend(zctx *zmq.Context, cfg Config, limits Limits, log *slog.Logger) (*zmq.Socket, func(), error) {
	if cfg.SecureFrontend == "" {
		return nil, func() {}, nil
	}
	users, ok := cfg.Cluster.Users()
	if !ok {
		log.Warn("accounts are off: the secure frontend needs the cluster key (--insecure-cluster), so it is not bound",
			"secure_front", cfg.SecureFrontend)
		return nil, func() {}, nil
	}
	return bindFrontend(zctx, zmqx.Side{Type: zmq.ROUTER, Endpoint: cfg.SecureFrontend, Secure: users.Server}, limits)
}

// bindBackend creates the DEALER the servers connect to, open only to the
// cluster's members; closeBack closes it and releases its ZAP handler.
func bindBackend(zctx *zmq.Context, cfg Config) (back *zmq.Socket, closeBack func(), err error) {
	return zmqx.BindSide(zctx, zmqx.Side{Type: zmq.DEALER, Endpoint: cfg.Backend, Secure: cfg.Cluster.Server}, socketOptions)
}
