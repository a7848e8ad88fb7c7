package auth

import (
	"crypto/sha256"

	zmq "github.com/pebbe/zmq4"
)

// accessLabel separates the access key's derivation from any other use of
// the cluster secret.
const accessLabel = "zchat access key v1\x00"

// AccessKey is the CURVE key pair of the client-facing authenticated
// ports (the broker's secure frontend, the proxy's secure XPUB), where
// users prove their own keys. It is derived from the cluster key (SHA-256
// of a label and the cluster's secret), so every member holds it without
// another file to provision, while knowing it reveals nothing of the
// cluster key: clients learn only its public half, which the servers hand
// out (service `auth_key`) and operators can publish for pinning.
func AccessKey(cluster Key) Key {
	sum := sha256.Sum256(append([]byte(accessLabel), zmq.Z85decode(cluster.Secret)...))
	k, err := KeyFromSecret(zmq.Z85encode(string(sum[:])))
	if err != nil {
		panic("auth: access key from a 32-byte secret: " + err.Error()) // cannot happen: 32 bytes always encode
	}
	return k
}
