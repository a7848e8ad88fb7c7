// Package broker is the request broker of the standard topology: a ROUTER
// bound for the clients' REQ sockets and a DEALER bound for the servers
// (DEALER or REP), joined by libzmq's proxy, which spreads requests
// round-robin over the connected servers and routes replies back by the
// ROUTER's identity envelope.
//
// The backend accepts only the cluster's members (Config.Cluster): a
// server that connects there is sent clients' requests. The frontend
// stays open to every client.
//
// Both sockets send ZMTP heartbeats: a server that dies or stops (SIGSTOP)
// is disconnected within about a second, after which the DEALER no longer
// routes requests to it. Requests already queued to that server are lost;
// clients retry (lazy pirate). libzmq's proxy forwards only when the
// destination can accept a message, so with no server connected requests
// wait in the ROUTER's queue (up to the high-water mark) instead of
// blocking the proxy, and shutdown stays prompt.
package broker

import (
	"context"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/metrics"
	"zchat/internal/zmqx"
)

// Config says where the broker listens.
type Config struct {
	Frontend string // ROUTER endpoint for clients, e.g. tcp://*:5555
	Backend  string // DEALER endpoint for servers, e.g. tcp://*:5556
	Logger   *slog.Logger
	Metrics  *metrics.Endpoint // nil: no metrics

	// Cluster says who may connect to the backend, where clients'
	// requests go: the cluster's members (the zero value: anyone).
	Cluster auth.Cluster
}

// socketOptions bound memory per peer (10k messages of a few hundred bytes)
// and shutdown time, and detect dead peers quickly.
var socketOptions = zmqx.Options{
	HWM:       10000,
	Linger:    200 * time.Millisecond,
	Heartbeat: zmqx.DefaultHeartbeat,
}

// Run binds both sockets and forwards until ctx is cancelled (nil error)
// or the broker fails.
func Run(ctx context.Context, cfg Config) error {
	observe, forwarding := cfg.Metrics.Relay()
	return zmqx.Relay{
		Name:    "broker",
		Front:   zmqx.Side{Type: zmq.ROUTER, Endpoint: cfg.Frontend},
		Back:    zmqx.Side{Type: zmq.DEALER, Endpoint: cfg.Backend, Secure: cfg.Cluster.Server},
		Options: socketOptions, Logger: cfg.Logger,
		Observe: observe, Forwarding: forwarding,
	}.Run(ctx)
}
