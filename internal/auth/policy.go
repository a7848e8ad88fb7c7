package auth

import (
	"crypto/subtle"
	"fmt"
)

// Mechanisms as ZAP requests name them.
const (
	mechanismCurve = "CURVE"
)

// Request is one ZAP request (RFC 27): a client's handshake that a socket
// of Domain asks us to accept or refuse.
type Request struct {
	ID          string
	Domain      string
	Address     string // the client's IP address
	Mechanism   string // NULL, PLAIN or CURVE
	Credentials [][]byte
}

// Decision answers a Request. UserID, when accepting, is attached to the
// client's messages as their User-Id property.
type Decision struct {
	Allow  bool
	UserID string
	Reason string // why a client was refused, for the log
}

// Policy decides the requests of one ZAP domain. Decide runs in the
// handler's goroutine and must not block.
type Policy interface {
	Decide(r Request) Decision
}

// decide applies p, the policy of r's domain; a domain without one (nil)
// is refused, whatever the mechanism.
func decide(p Policy, r Request) Decision {
	if p == nil {
		return Decision{Reason: fmt.Sprintf("unknown ZAP domain %q", r.Domain)}
	}
	return p.Decide(r)
}

// memberPolicy accepts exactly the holders of the cluster key: CURVE
// clients whose public key is the cluster's.
type memberPolicy struct {
	public []byte // raw, 32 bytes
}

func (p memberPolicy) Decide(r Request) Decision {
	key, reason := curveClientKey(r)
	switch {
	case reason != "":
		return Decision{Reason: reason}
	case subtle.ConstantTimeCompare(key, p.public) != 1:
		return Decision{Reason: "client key is not the cluster key"}
	}
	return Decision{Allow: true}
}

// curveClientKey is the client's public key of a CURVE request, or why
// there is none.
func curveClientKey(r Request) ([]byte, string) {
	switch {
	case r.Mechanism != mechanismCurve:
		return nil, fmt.Sprintf("mechanism %q, want CURVE", r.Mechanism)
	case len(r.Credentials) != 1 || len(r.Credentials[0]) != keyBytes:
		return nil, "malformed CURVE credentials"
	}
	return r.Credentials[0], ""
}
