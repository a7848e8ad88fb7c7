package zchat

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
)

// Hash chains the events of one origin: the hash of seq n is
// SHA-256(hash of seq n-1 || canonical encoding of event n), and before
// seq 1 comes Genesis. Two replicas whose hashes agree at seq n therefore
// hold the same events 1..n of that origin, and a replica can check that a
// replicated event continues the log it holds, which sequence numbers
// alone cannot tell. A hash is not a signature: it detects divergence (a
// bug, a restored backup, a planted row), not a forger who recomputes it.
type Hash [sha256.Size]byte

// Genesis is the hash before the first event of every origin.
var Genesis = Hash(sha256.Sum256([]byte("zchat event chain v1")))

// IsZero reports whether h is unset (an event from a peer that sends no
// hashes).
func (h Hash) IsZero() bool { return h == Hash{} }

// String is the hash in hex, for logs.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Head is where a replica's log of one origin ends: its highest contiguous
// seq and the hash of that event (Genesis at seq 0).
type Head struct {
	Seq  uint64
	Hash Hash
}

// GenesisHead is the head of an origin of which nothing is held.
var GenesisHead = Head{Hash: Genesis}

// Next returns the hash that e must carry to continue a log ending at h.
func (h Head) Next(e Event) Hash { return ChainHash(h.Hash, e) }

// ChainHash returns the hash of e given prev, the hash of the previous
// event of e's origin (Genesis for seq 1). e.Hash is not read.
func ChainHash(prev Hash, e Event) Hash {
	var stack [256]byte // most events fit: no allocation
	return sha256.Sum256(appendCanonical(append(stack[:0], prev[:]...), e))
}

// appendCanonical appends an unambiguous encoding of every field of e but
// its hash: fixed-width big-endian numbers and length-prefixed strings, so
// that no two different events encode alike (("ab", "c") and ("a", "bc")
// differ). The time is encoded by its IEEE 754 bits with -0 as +0, since
// SQLite reads a stored -0.0 back as 0.
func appendCanonical(b []byte, e Event) []byte {
	b = appendString(b, e.Origin)
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = binary.BigEndian.AppendUint64(b, e.Clock)
	t := e.Time
	if t == 0 {
		t = 0 // -0 == 0: normalizes the sign
	}
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(t))
	b = append(b, byte(e.Kind))
	b = appendString(b, e.User)
	b = appendString(b, e.Target)
	b = appendString(b, e.Text)
	return appendString(b, e.ReqID)
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}
