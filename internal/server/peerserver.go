package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/transport"
	"zchat/internal/wire"
)

// PeerService answers one server-to-server request; it returns the reply
// data (wire.ErrorData on failure).
type PeerService = func(ctx context.Context, m wire.Message) map[string]any

// peerEndpoint is the ROUTER that other servers (and tools such as
// `zchat status`) call, members of the cluster only. It speaks plain
// envelopes, so a REQ peer of another implementation can ask for `clock`
// or `election` too (in an open cluster, or holding the cluster key).
type peerEndpoint struct {
	sock     *zmq.Socket
	release  func() // of the socket's security, once it is closed
	addr     string // what peers should dial
	services map[string]PeerService
	h        *Handler
	log      *slog.Logger
}

// bindPeer binds the peer endpoint, which only the cluster's members may
// call. Call release once the socket is closed.
func bindPeer(bind, advertise string, cluster auth.Cluster) (sock *zmq.Socket, addr string, release func(), err error) {
	sock, err = zmq.NewSocket(zmq.ROUTER)
	if err != nil {
		return nil, "", nil, fmt.Errorf("peer socket: %w", err)
	}
	if release, err = cluster.Server(sock); err != nil {
		sock.Close()
		return nil, "", nil, fmt.Errorf("peer socket: %w", err)
	}
	transport.SetLiveness(sock)
	sock.SetSndhwm(100000)
	sock.SetRcvhwm(100000)
	if err := sock.Bind(wildcardPort(bind)); err != nil {
		sock.Close()
		release()
		return nil, "", nil, fmt.Errorf("bind peer endpoint %s: %w", bind, err)
	}
	if advertise == "" {
		bound, _ := sock.GetLastEndpoint()
		advertise = reachable(bound)
	}
	return sock, advertise, release, nil
}

// wildcardPort lets operators write port 0 for "any free port", which
// libzmq spells "*".
func wildcardPort(endpoint string) string {
	if strings.HasSuffix(endpoint, ":0") {
		return strings.TrimSuffix(endpoint, "0") + "*"
	}
	return endpoint
}

// reachable replaces a wildcard host with this host's name so that peers on
// other hosts can dial the advertised address.
func reachable(bound string) string {
	for _, any := range []string{"0.0.0.0", "[::]", "*"} {
		if strings.Contains(bound, "//"+any+":") {
			host, _ := os.Hostname()
			return strings.Replace(bound, "//"+any+":", "//"+host+":", 1)
		}
	}
	return bound
}

func (e *peerEndpoint) run(ctx context.Context) error {
	defer e.release() // after Run has closed the socket
	r := &transport.Responder{Socket: e.sock, MaxInflight: 1024, Handle: e.handle, Log: e.log}
	return r.Run(ctx)
}

func (e *peerEndpoint) handle(ctx context.Context, body []byte) []byte {
	m, err := wire.Decode(body, 0)
	if m.Clock > 0 {
		e.h.Lamport.Observe(m.Clock)
	}
	var data map[string]any
	switch svc := e.services[m.Service]; {
	case err != nil:
		data = wire.ErrorData(err.Error())
	case svc == nil:
		data = wire.ErrorData(fmt.Sprintf("unknown peer service %q", m.Service))
	default:
		data = svc(ctx, m)
	}
	return e.h.reply(m, data, nil).Reply
}
