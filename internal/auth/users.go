package auth

import (
	"fmt"
	"log/slog"

	zmq "github.com/pebbe/zmq4"
)

// What the refusals' log lines call the endpoints of each domain.
const (
	memberEndpoints = "a cluster-only endpoint"
	userEndpoints   = "an authenticated client port"
)

// UserIDProperty is the metadata property under which libzmq hands a
// message from an authenticated client port its sender's key: the ZAP
// User-Id that the users' policy sets to the client's public key (Z85, 40
// characters). Read it with RecvBytesWithMetadata(flags, UserIDProperty).
const UserIDProperty = "User-Id"

// Users is how the client-facing authenticated ports (the broker's secure
// frontend, the proxy's secure XPUB) admit their clients: as a CURVE
// server of the access key, whose ZAP domain admits every well-formed
// user key. Admission proves nothing but possession of the key's secret
// half; what a key may do (act as a claimed name, read its private
// messages) is decided by the servers and the proxy from the key alone,
// which each message carries as its User-Id.
type Users struct {
	access Key
	log    *slog.Logger
}

// Users is the users' side of c: its access key (AccessKey) and its
// logger. ok is false for an open cluster, which has no access key and so
// no authenticated client ports.
func (c Cluster) Users() (u Users, ok bool) {
	if !c.secure {
		return Users{}, false
	}
	return Users{access: AccessKey(c.key), log: c.log}, true
}

// AccessKey is the CURVE server key pair of the users' ports; clients
// pin its public half.
func (u Users) AccessKey() Key { return u.access }

// Server makes s, which must not be bound yet, a CURVE server of the
// access key whose clients are users: any CURVE client key is admitted
// and becomes the User-Id of its messages; NULL and PLAIN clients are
// refused. Like Cluster.Server it makes sure a ZAP handler runs in s's
// context; call release once s is closed.
func (u Users) Server(s *zmq.Socket) (release func(), err error) {
	if u.access.Secret == "" {
		return nil, fmt.Errorf("users' port without an access key (open cluster)")
	}
	if ep, _ := s.GetLastEndpoint(); ep != "" {
		return nil, errBound
	}
	zctx, err := s.Context()
	if err != nil {
		return nil, err
	}
	domain := usersDomain(u.access)
	release, err = acquire(zctx, domain, userEndpoints, usersPolicy{}, u.log)
	if err != nil {
		return nil, err
	}
	if err := setOptions(
		func() error { return s.SetZapDomain(domain) },
		func() error { return s.SetCurveServer(1) },
		func() error { return s.SetCurveSecretkey(u.access.Secret) },
	); err != nil {
		release()
		return nil, fmt.Errorf("CURVE server: %w", err)
	}
	return release, nil
}

// UserClient makes s, which must not be connected yet, a CURVE client of
// a users' port whose access key has the public half accessPublic,
// proving the user key user. The handshake fails unless the port holds
// the access key's secret half, so a pinned accessPublic also
// authenticates the cluster to the user.
func UserClient(s *zmq.Socket, user Key, accessPublic string) error {
	if ep, _ := s.GetLastEndpoint(); ep != "" {
		return errBound
	}
	if !validZ85Key(accessPublic) {
		return fmt.Errorf("access key %q: want %d characters of Z85 text", accessPublic, z85Len)
	}
	if err := setOptions(
		func() error { return s.SetCurveServerkey(accessPublic) },
		func() error { return s.SetCurvePublickey(user.Public) },
		func() error { return s.SetCurveSecretkey(user.Secret) },
	); err != nil {
		return fmt.Errorf("CURVE client: %w", err)
	}
	return nil
}

// usersDomain is the ZAP domain of the users' ports of the cluster whose
// access key is access: distinct per cluster, like the members' domain.
func usersDomain(access Key) string { return "zchat-users:" + access.Public }

// usersPolicy admits every CURVE client and names it by its key. The
// CURVE handshake has already proved that the client holds the secret
// half of the key it presents; the policy only checks that it is one.
type usersPolicy struct{}

func (usersPolicy) Decide(r Request) Decision {
	key, reason := curveClientKey(r)
	if reason != "" {
		return Decision{Reason: reason}
	}
	return Decision{Allow: true, UserID: zmq.Z85encode(string(key))}
}
