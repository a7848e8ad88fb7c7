package client

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
)

// Secure makes a Client use the cluster's authenticated ports: the
// broker's secure frontend and the proxy's secure XPUB, where every
// connection is a CURVE client proving a user's key and checking that the
// cluster holds the access key. A name claimed by a key is acted as, and
// its private messages read, only over a connection with that key; the
// private messages of the key's names arrive on its private topic
// (wire.PrivateTopic), which the proxy gives to that key alone.
type Secure struct {
	Broker    string   // the broker's secure frontend (REQ connects here)
	Proxy     string   // the proxy's secure XPUB (SUB connects here)
	ServerKey string   // the access public key (Z85, 40 characters): see ResolveServerKey
	Key       auth.Key // the user's key; zero: New makes an ephemeral one (see SetKey)
}

// The ports of the standard layout: the secure frontend is the open
// frontend's port + 5, the secure XPUB the open XPUB's port + 3 (5560 and
// 5561 for 5555 and 5558).
const (
	SecureBrokerOffset = 5
	SecureProxyOffset  = 3
)

// OffsetEndpoint is endpoint ("tcp://host:port") with its port moved by
// offset: the secure ports of the standard layout next to the open ones.
func OffsetEndpoint(endpoint string, offset int) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "tcp" {
		return "", fmt.Errorf("%q is not a tcp://host:port endpoint: give the secure endpoint explicitly", endpoint)
	}
	host, port, err := net.SplitHostPort(u.Host)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n+offset > 65535 {
		return "", fmt.Errorf("%q has no usable port: give the secure endpoint explicitly", endpoint)
	}
	return "tcp://" + net.JoinHostPort(host, strconv.Itoa(n+offset)), nil
}

// ValidPublicKey tells whether s is the Z85 text of a 32-byte CURVE key.
// The length is checked first: pebbe's decoder panics on a bad one.
func ValidPublicKey(s string) bool {
	return len(s) == 40 && zmq.Z85encode(zmq.Z85decode(s)) == s
}

// errNoKey is what the socket owners answer when secure mode has no
// usable user key (an ephemeral one could not be made).
var errNoKey = errors.New("secure mode without a user key")

// curveClient makes sock, not connected yet, a CURVE client with key that
// accepts only a server holding the access key.
func (s *Secure) curveClient(sock *zmq.Socket, key auth.Key) error {
	return CurveClient(sock, s.ServerKey, key)
}

// CurveClient makes sock, not connected yet, a CURVE client proving key
// to a server that must hold the secret half of serverKey (the access
// key): what every socket on the authenticated ports needs (the load
// generator's too).
func CurveClient(sock *zmq.Socket, serverKey string, key auth.Key) error {
	if key.Public == "" || key.Secret == "" {
		return errNoKey
	}
	if !ValidPublicKey(serverKey) {
		return fmt.Errorf("secure mode: the server key %q is not a Z85 CURVE public key", clip(serverKey, 60))
	}
	return auth.UserClient(sock, key, serverKey)
}

// initialKey is the key a secure Client starts with: the configured one,
// else an ephemeral one. An ephemeral key acts as unclaimed names; a name
// it logs in as is claimed for a key nobody will hold again (bots, load).
func (s *Secure) initialKey() (auth.Key, error) {
	if s.Key.Public != "" {
		return s.Key, nil
	}
	return auth.GenerateKey()
}
