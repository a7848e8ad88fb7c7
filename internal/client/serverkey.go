package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// ServerKeyError is a cluster that offers another access key than the one
// the client expects: the cluster key was changed, or someone answers in
// the cluster's place. Like SSH with a changed host key, the client
// refuses to go on until the user pins the new key.
type ServerKeyError struct {
	Endpoint string // the secure broker frontend
	Expected string // the key the client was given (pinned or known)
	Offered  string // the key the open frontend now names
}

func (e *ServerKeyError) Error() string {
	return fmt.Sprintf("the cluster at %s now names access key %s, not the %s known for it: refusing to connect. "+
		"If its operators changed the cluster key, pin the new key with --server-key %s; otherwise someone may be answering in the cluster's place",
		e.Endpoint, e.Offered, e.Expected, e.Offered)
}

// AuthKeyService is the request that names the cluster's access key.
const AuthKeyService = "auth_key"

// AccessKey asks the cluster for its access public key (service auth_key)
// and checks that the answer is a key. Over the open frontend this is
// trust on first use: see ResolveServerKey.
func (c *Client) AccessKey(ctx context.Context) (string, error) {
	m, err := c.do(ctx, AuthKeyService, nil)
	if err != nil {
		return "", err
	}
	return keyOfReply(m)
}

func keyOfReply(m wire.Message) (string, error) {
	key, _ := wire.AsString(m.Data["key"])
	if !ValidPublicKey(key) {
		return "", fmt.Errorf("%s: the reply names no CURVE public key (got %q)", AuthKeyService, clip(key, 60))
	}
	return key, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// checkServerKey runs after a secure request went unanswered: a wrong
// access key fails the CURVE handshake, which looks like silence. It asks
// the open frontend once which key the cluster has; a different one ends
// the call with a ServerKeyError instead of retrying in vain. No answer,
// or the same key, says nothing: the retries go on.
func (r *requester) checkServerKey() error {
	if r.cfg.Secure == nil {
		return nil
	}
	offered, err := r.probeAccessKey()
	if err != nil {
		r.log.Debug("could not ask the open frontend for the access key", "err", err)
		return nil
	}
	if offered != r.cfg.Secure.ServerKey {
		return &ServerKeyError{Endpoint: r.cfg.Secure.Broker, Expected: r.cfg.Secure.ServerKey, Offered: offered}
	}
	return nil
}

// probeAccessKey is one auth_key request on a socket of its own, opened
// and closed here, waiting at most the request timeout.
func (r *requester) probeAccessKey() (string, error) {
	sock, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return "", err
	}
	if err := connect(sock, r.cfg.Broker); err != nil {
		return "", err
	}
	defer sock.Close()
	data := map[string]any{"request_id": NewRequestID()}
	frame, err := wire.Encode(wire.MsgPack, AuthKeyService, data, r.clock.Tick(), now())
	if err != nil {
		return "", err
	}
	if _, err := sock.SendBytes(frame, zmq.DONTWAIT); err != nil {
		return "", err
	}
	if err := r.awaitProbe(sock); err != nil {
		return "", err
	}
	reply, err := sock.RecvBytes(0)
	if err != nil {
		return "", err
	}
	m, err := wire.Decode(reply, maxReply)
	if err == nil {
		err = statusError(AuthKeyService, m.Data)
	}
	if err != nil {
		return "", err
	}
	return keyOfReply(m)
}

var errNoProbeReply = errors.New("no reply")

// awaitProbe polls in short slices so that closing the client is not held
// up for a whole timeout.
func (r *requester) awaitProbe(sock *zmq.Socket) error {
	poller := zmq.NewPoller()
	poller.Add(sock, zmq.POLLIN)
	deadline := time.Now().Add(r.cfg.Timeout)
	for time.Now().Before(deadline) {
		if polled, err := poller.Poll(pollSlice); err != nil {
			return err
		} else if len(polled) > 0 {
			return nil
		}
		select {
		case <-r.done:
			return ErrClosed
		default:
		}
	}
	return errNoProbeReply
}
