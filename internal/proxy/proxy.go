// Package proxy is the publication proxy of the standard topology: an XSUB
// bound for the servers' PUB sockets and an XPUB bound for the clients' SUB
// sockets, joined by the proxy's own forwarding loop (loop.go), plus an
// optional second XPUB, the secure one, for clients that prove a user key
// of their own.
//
// The XSUB subscribes to everything once, at start; libzmq replays that
// subscription to every publisher that connects (or reconnects), so the
// servers send the proxy every publication and the XPUBs' subscriptions
// never travel upstream. Each XPUB filters per subscriber, by prefix, as
// libzmq does:
//
//   - The open XPUB (standard, anyone may subscribe) is sent every
//     publication except those on a private topic (wire.PrivateTopic: a
//     claimed name's private messages, for its owner's key alone), so even
//     a subscription to everything (the empty topic) never sees one. Its
//     subscription messages are read and dropped: libzmq applies them
//     itself. XPUB_VERBOSE stays off there, so libzmq passes up only the
//     first subscription to a topic and the proxy reads fewer messages;
//     what subscribers receive is the same either way.
//   - The secure XPUB (CURVE, the users' ZAP domain of auth.Users) is sent
//     every publication, and runs in XPUB_MANUAL mode: libzmq applies no
//     subscription by itself but hands each one to the proxy with its
//     sender's key (the User-Id), and the proxy applies those its policy
//     allows (policy.go) to the connection that sent it. A subscriber may
//     thus read its own private topic and every public one, but not
//     another key's private topic nor everything.
//
// Only the cluster's members may publish (the XSUB is a CURVE server for
// Config.Cluster): a forged private message or coordinator announcement
// (topic servers) would otherwise reach every subscriber.
//
// Publications are lossy under overload by design (a slow subscriber's queue
// drops at the high-water mark instead of stalling everyone); history is how
// a client recovers.
package proxy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/metrics"
	"zchat/internal/zmqx"
)

// Config says where the proxy listens.
type Config struct {
	XSub string // endpoint for the servers' PUB sockets, e.g. tcp://*:5557
	XPub string // endpoint for the subscribers' SUB sockets, e.g. tcp://*:5558
	// SecureXPub is the endpoint for subscribers with a user key, e.g.
	// tcp://*:5561; "" runs without one. It needs the cluster key (its
	// CURVE key is the cluster's access key): with an open Cluster it is
	// not bound, with a warning.
	SecureXPub string
	Logger     *slog.Logger
	Metrics    *metrics.Endpoint // nil: metrics are kept but not served

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

// maxSubscription bounds what a subscriber may send an XPUB: a
// subscription message is a byte and a topic, and topics are names (64
// bytes by default) or private topics (41). A larger frame costs its
// sender the connection before libzmq buffers it.
const maxSubscription = 4096

// Run binds the sockets and forwards until ctx is cancelled (nil error)
// or the proxy fails.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	zctx, err := zmq.NewContext()
	if err != nil {
		return err
	}
	defer zctx.Term()
	xsub, closeXSub, err := zmqx.BindSide(zctx, zmqx.Side{Type: zmq.XSUB, Endpoint: cfg.XSub, Secure: cfg.Cluster.Server}, socketOptions)
	if err != nil {
		return err
	}
	defer closeXSub()
	open, closeOpen, err := zmqx.BindSide(zctx, zmqx.Side{Type: zmq.XPUB, Endpoint: cfg.XPub}, xpubOptions())
	if err != nil {
		return err
	}
	defer closeOpen()
	secure, closeSecure, err := bindSecureXPub(zctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeSecure()
	if _, err := xsub.SendBytes([]byte{subscribeByte}, zmq.DONTWAIT); err != nil {
		return fmt.Errorf("subscribe the XSUB to everything: %w", err)
	}
	stats := cfg.Metrics.Proxy()
	log.Info("proxy running", "xsub", cfg.XSub, "xpub", cfg.XPub, "secure_xpub", boundOrNone(secure, cfg.SecureXPub))
	stats.Forwarding.Set(true)
	err = newLoop(xsub, open, secure, stats, log).run(ctx)
	stats.Forwarding.Set(false)
	log.Info("proxy stopped", "err", err)
	return err
}

func xpubOptions() zmqx.Options {
	opts := socketOptions
	opts.MaxFrame = maxSubscription
	return opts
}

// bindSecureXPub creates the secure XPUB, a CURVE server of the cluster's
// access key for users in manual subscription mode (nil when there is
// none: not asked for, or an open cluster, which has no access key).
func bindSecureXPub(zctx *zmq.Context, cfg Config, log *slog.Logger) (*zmq.Socket, func(), error) {
	if cfg.SecureXPub == "" {
		return nil, func() {}, nil
	}
	users, ok := cfg.Cluster.Users()
	if !ok {
		log.Warn("accounts are off: the secure XPUB needs the cluster key (--insecure-cluster), so it is not bound",
			"secure_xpub", cfg.SecureXPub)
		return nil, func() {}, nil
	}
	manual := func(s *zmq.Socket) (func(), error) {
		release, err := users.Server(s)
		if err != nil {
			return nil, err
		}
		if err := s.SetXpubManual(1); err != nil {
			release()
			return nil, fmt.Errorf("set xpub_manual: %w", err)
		}
		return release, nil
	}
	return zmqx.BindSide(zctx, zmqx.Side{Type: zmq.XPUB, Endpoint: cfg.SecureXPub, Secure: manual}, xpubOptions())
}

// boundOrNone names an endpoint for the log, or says that it is not
// bound.
func boundOrNone(s *zmq.Socket, endpoint string) string {
	if s == nil {
		return "none"
	}
	return endpoint
}
