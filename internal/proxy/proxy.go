// Package proxy is the publication proxy of the standard topology: an XSUB
// bound for the servers' PUB sockets and an XPUB bound for the clients' SUB
// sockets, joined by libzmq's proxy. Subscriptions flow upstream from XPUB
// to XSUB, which forwards them to every connected publisher and replays the
// whole set to a publisher that connects (or reconnects) later; messages
// flow downstream and are filtered per subscriber by the XPUB.
//
// XPUB_VERBOSE is deliberately left off. Without it the XPUB forwards the
// first subscription to a topic and the unsubscription of its last
// subscriber, which is exactly what the publishers need. With it every
// duplicate subscription is forwarded but (without XPUB_VERBOSER) only the
// last unsubscription, so the XSUB's reference counts would never drop to
// zero and publishers would keep sending topics nobody listens to. Neither
// mode changes what subscribers receive: late-joining publishers learn all
// current subscriptions from the XSUB either way.
//
// Only the cluster's members may publish (the XSUB is a CURVE server for
// Config.Cluster): a forged private message or coordinator announcement
// (topic servers) would otherwise reach every subscriber. Subscribing on
// the XPUB stays open to every client.
//
// Publications are lossy under overload by design (a slow subscriber's queue
// drops at the high-water mark instead of stalling everyone); history is how
// a client recovers.
package proxy

import (
	"context"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/metrics"
	"zchat/internal/zmqx"
)

// Config says where the proxy listens.
type Config struct {
	XSub    string // endpoint for the servers' PUB sockets, e.g. tcp://*:5557
	XPub    string // endpoint for the subscribers' SUB sockets, e.g. tcp://*:5558
	Logger  *slog.Logger
	Metrics *metrics.Endpoint // nil: no metrics

	// Cluster says who may publish on the XSUB: the cluster's members
	// (the zero value: anyone).
	Cluster auth.Cluster
}

// socketOptions: a high-water mark well above libzmq's 1000 so that bursts
// are not dropped (measured: unpaced publishing loses most messages at the
// default), heartbeats to shed dead peers, bounded linger.
var socketOptions = zmqx.Options{
	HWM:       50000,
	Linger:    200 * time.Millisecond,
	Heartbeat: zmqx.DefaultHeartbeat,
}

// Run binds both sockets and forwards until ctx is cancelled (nil error)
// or the proxy fails.
func Run(ctx context.Context, cfg Config) error {
	observe, forwarding := cfg.Metrics.Relay()
	return zmqx.Relay{
		Name:    "proxy",
		Front:   zmqx.Side{Type: zmq.XSUB, Endpoint: cfg.XSub, Secure: cfg.Cluster.Server},
		Back:    zmqx.Side{Type: zmq.XPUB, Endpoint: cfg.XPub},
		Options: socketOptions, Logger: cfg.Logger,
		Observe: observe, Forwarding: forwarding,
	}.Run(ctx)
}
