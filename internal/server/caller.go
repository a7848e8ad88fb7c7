package server

import "zchat"

// Caller is who sent a client request, as the broker vouches for it: the
// user key that its secure frontend authenticated, or none (the open
// frontend, a third-party client of the standard protocol).
type Caller struct {
	Key string // Z85 public key, zchat.KeyLen characters; "" for none
}

// Keyless tells whether the caller proved no key.
func (c Caller) Keyless() bool { return c.Key == "" }

// callerOf reads the caller from the envelope of a request the broker
// forwarded: frame 0 is the broker's tag, empty for the open frontend and
// the client's public key for the secure one. Only exactly KeyLen bytes
// of valid Z85 name a key; anything else (an older broker, which puts the
// client's routing id there) is an open request. Clients cannot forge the
// tag: the broker builds it.
func callerOf(envelope [][]byte) Caller {
	if len(envelope) == 0 || len(envelope[0]) != zchat.KeyLen {
		return Caller{}
	}
	if key := string(envelope[0]); zchat.ValidKey(key) {
		return Caller{Key: key}
	}
	return Caller{}
}
