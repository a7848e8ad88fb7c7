package broker

import (
	"bytes"
	"errors"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/zmqx"
)

// errNoUserKey is returned for a message from the secure frontend that
// does not carry its sender's key; it has been read and dropped.
var errNoUserKey = errors.New("no user key")

// errNothing says that no message waits, as EAGAIN does.
var errNothing = errors.New("no message")

// userKeyLen is the length of a tag from the secure frontend: a CURVE
// public key in Z85 text.
const userKeyLen = 40

// openTag is the tag of requests from the open frontend. It is not empty
// so that a REP server behind the broker (other implementations' servers
// in a mixed cluster use one) keeps working: a REP takes every frame up to
// the first empty one as the envelope it returns with the reply, so an
// empty tag would end the envelope before the client's routing id, while
// this one is carried along with it. Servers take any tag but a user key
// to mean "open".
var openTag = []byte("open")

// frontend is one of the broker's client-facing ROUTERs. The relay's
// goroutine owns its socket.
//
// Every request forwarded to the servers starts with a tag naming the
// frontend it came through and, for the secure one, the caller: openTag
// for the open frontend, the client's public key (the ZAP User-Id libzmq
// attaches to each of its messages; 40 characters of Z85) for the secure
// one. The broker
// builds the tag, so a client cannot forge it: whatever frames a client
// sends come after it. A reply is routed back by its tag and the tag
// stripped, so clients see the envelope they sent.
type frontend struct {
	sock   *zmq.Socket
	secure bool     // a CURVE server of the users' domain
	conns  *limiter // a bucket per connection; nil: no rate limit
	dirty  bool     // may have requests the loop has not looked for
}

// recv receives one request without waiting into buf[1:] (buf has room
// for maxFrames+1) and returns it with its tag in front: [tag, routing id,
// envelope..., body]. A message from the secure frontend without a
// well-formed User-Id (which its ZAP domain always sets) is read and
// dropped as malformed.
func (f *frontend) recv(buf [][]byte) (frames [][]byte, err error) {
	if !f.secure {
		frames, _, err = zmqx.RecvFrames(f.sock, buf[1:1], maxFrames)
		return tagged(buf, openTag, frames), err
	}
	frames, key, err := recvWithKey(f.sock, buf[1:1])
	return tagged(buf, key, frames), err
}

// recvWithKey receives a request from the secure frontend with its
// sender's key. The key is read from the frame after the routing id: the
// ROUTER makes up the routing id frame itself, and does not always give it
// the metadata of the message it heads (not when the message was fetched
// early by a readiness query), while the client's own frames carry it.
func recvWithKey(s *zmq.Socket, buf [][]byte) (frames [][]byte, key []byte, err error) {
	// Asking first spares the receive with metadata, which allocates,
	// when there is nothing (the usual case when the loop looks at a
	// frontend it has not been woken for); it re-arms the socket's signal
	// all the same.
	if !zmqx.Readable(s) {
		return buf[:0], nil, errNothing
	}
	id, err := s.RecvBytes(zmq.DONTWAIT)
	if err != nil {
		return buf[:0], nil, err
	}
	if more, err := s.GetRcvmore(); err != nil || !more {
		return buf[:0], nil, errNoUserKey // a ROUTER never delivers a routing id alone
	}
	second, meta, err := s.RecvBytesWithMetadata(zmq.DONTWAIT, auth.UserIDProperty)
	if err != nil {
		return buf[:0], nil, err
	}
	frames, _, err = zmqx.RecvRest(s, append(buf[:0], id, second), maxFrames)
	userID := meta[auth.UserIDProperty]
	if err == nil && len(userID) != userKeyLen {
		err = errNoUserKey
	}
	return frames, []byte(userID), err
}

// tagged is buf[0:1+len(frames)], frames having been received into
// buf[1:], with tag as its first frame.
func tagged(buf [][]byte, tag []byte, frames [][]byte) [][]byte {
	if len(frames) == 0 {
		return buf[:0]
	}
	buf = buf[:1+len(frames)]
	buf[0] = tag
	return buf
}

// frontendOf is where a reply with tag goes: the open frontend for
// openTag, the secure one for a user's key, nowhere for anything else.
func (r *relay) frontendOf(tag []byte) *frontend {
	switch {
	case len(tag) == userKeyLen:
		return r.secure // nil when there is none
	case bytes.Equal(tag, openTag):
		return r.open
	}
	return nil
}
