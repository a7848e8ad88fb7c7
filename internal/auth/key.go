package auth

import (
	"crypto/rand"
	"fmt"

	zmq "github.com/pebbe/zmq4"
)

// keyBytes is the size of a CURVE key; its Z85 text is 5/4 as long.
const (
	keyBytes = 32
	z85Len   = keyBytes * 5 / 4
)

// Key is the cluster key: a CURVE key pair in Z85 text. Every member uses
// the same pair on both ends of a link (server key = client key).
type Key struct {
	Public string
	Secret string
}

// GenerateKey makes a new cluster key from 32 random bytes.
func GenerateKey() (Key, error) {
	raw := make([]byte, keyBytes)
	if _, err := rand.Read(raw); err != nil {
		return Key{}, fmt.Errorf("random key: %w", err)
	}
	return KeyFromSecret(zmq.Z85encode(string(raw)))
}

// KeyFromSecret completes a key from its secret half (Z85), deriving the
// public half.
func KeyFromSecret(secret string) (Key, error) {
	if !validZ85Key(secret) {
		return Key{}, fmt.Errorf("not a CURVE secret key: want %d characters of Z85 text", z85Len)
	}
	public, err := zmq.AuthCurvePublic(secret)
	if err != nil {
		return Key{}, fmt.Errorf("derive the public key: %w", err)
	}
	return Key{Public: public, Secret: secret}, nil
}

// validZ85Key tells whether s is the Z85 text of a 32-byte key. libzmq's
// decoder answers nothing on bad characters and pebbe's panics on a bad
// length, so the length is checked first and the text must survive a
// round trip.
func validZ85Key(s string) bool {
	if len(s) != z85Len {
		return false
	}
	return zmq.Z85encode(zmq.Z85decode(s)) == s
}

// publicRaw is the public key's 32 bytes, as ZAP requests carry it.
func (k Key) publicRaw() string { return zmq.Z85decode(k.Public) }

// domain is the ZAP domain of the cluster with this key. Derived from the
// public key, it differs between clusters, so that two clusters in one
// process (tests) never accept each other's members.
func (k Key) domain() string { return "zchat-cluster:" + k.Public }

// Short names the key in logs: the start of its public half.
func (k Key) Short() string {
	if len(k.Public) < 8 {
		return k.Public
	}
	return k.Public[:8]
}
