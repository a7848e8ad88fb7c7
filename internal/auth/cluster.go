package auth

import (
	"errors"
	"fmt"
	"log/slog"

	zmq "github.com/pebbe/zmq4"
)

// Cluster is how a component secures the links between the cluster's
// members: with the cluster key, or open. The zero value is Open.
type Cluster struct {
	key    Key
	secure bool
	log    *slog.Logger
}

// Open leaves every member link unauthenticated and in clear text, for a
// cluster that includes other implementations' servers.
func Open() Cluster { return Cluster{} }

// WithKey secures member links with key; refusals are logged on log (nil:
// slog.Default()).
func WithKey(key Key, log *slog.Logger) Cluster {
	return Cluster{key: key, secure: true, log: log}
}

// Secure tells whether member links are authenticated.
func (c Cluster) Secure() bool { return c.secure }

// Key is the cluster key; ok is false for an open cluster.
func (c Cluster) Key() (key Key, ok bool) { return c.key, c.secure }

// String says how the links are secured, for logs.
func (c Cluster) String() string {
	if !c.secure {
		return "open (no authentication)"
	}
	return "CURVE, cluster key " + c.key.Short()
}

// errBound: libzmq applies security options to later binds and connects
// only, so a socket configured after one would stay open there.
var errBound = errors.New("socket already bound or connected: secure it first")

// Server makes s, which must not be bound yet, a CURVE server that
// accepts only the cluster's members, and makes sure a ZAP handler for
// the cluster runs in s's context (libzmq accepts any CURVE client where
// none does). Call release once s is closed: the last release of a
// context's handler stops it. Open: nothing to do.
func (c Cluster) Server(s *zmq.Socket) (release func(), err error) {
	if !c.secure {
		return func() {}, nil
	}
	if ep, _ := s.GetLastEndpoint(); ep != "" {
		return nil, errBound
	}
	zctx, err := s.Context()
	if err != nil {
		return nil, err
	}
	release, err = acquire(zctx, c.key.domain(), memberEndpoints, memberPolicy{public: []byte(c.key.publicRaw())}, c.log)
	if err != nil {
		return nil, err
	}
	if err := setOptions(
		func() error { return s.SetZapDomain(c.key.domain()) },
		func() error { return s.SetCurveServer(1) },
		func() error { return s.SetCurveSecretkey(c.key.Secret) },
	); err != nil {
		release()
		return nil, fmt.Errorf("CURVE server: %w", err)
	}
	return release, nil
}

// Client makes s, which must not be connected yet, a CURVE client of the
// cluster: it proves it holds the cluster key and checks that the server
// does too. Open: nothing to do.
func (c Cluster) Client(s *zmq.Socket) error {
	if !c.secure {
		return nil
	}
	if ep, _ := s.GetLastEndpoint(); ep != "" {
		return errBound
	}
	if err := setOptions(
		func() error { return s.SetCurveServerkey(c.key.Public) },
		func() error { return s.SetCurvePublickey(c.key.Public) },
		func() error { return s.SetCurveSecretkey(c.key.Secret) },
	); err != nil {
		return fmt.Errorf("CURVE client: %w", err)
	}
	return nil
}

func setOptions(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
