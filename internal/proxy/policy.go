package proxy

import (
	"strings"

	"zchat/internal/wire"
)

// userKeyLen is the length of a subscriber's key as the secure XPUB's
// messages carry it (User-Id): a CURVE public key in Z85 text.
const userKeyLen = 40

// Subscription messages start with this byte, then the topic.
const (
	unsubscribeByte = 0
	subscribeByte   = 1
)

// Reasons for refusing a subscription on the secure XPUB, as the metrics
// label them.
const (
	refusedEverything = "everything"
	refusedPrivate    = "private"
	refusedAnonymous  = "anonymous"
)

// verdict is what the proxy does with one message a subscriber of the
// secure XPUB sent.
type verdict struct {
	apply     bool // (un)subscribe the sender's connection to topic
	subscribe bool // false: unsubscribe
	topic     string
	refused   string // why a subscription is refused; "" when it is not
}

// judge applies the subscription policy of the secure XPUB to msg, sent
// by the subscriber with key (its User-Id, "" if none).
//
// The XPUB matches topics by prefix, so what a subscription lets through
// is every topic it starts: the empty topic matches everything, private
// topics included, and so does any prefix of the private namespace; a
// private topic (wire.PrivateTopic) is its owner's alone. All private
// topics have one length, so the owner's own topic matches nothing else.
// Every other topic (channels, unclaimed users' names, "servers") is
// public, as on the open XPUB.
//
// Unsubscribing is always applied: it can only take away. An
// unsubscription without a key is libzmq's own, queued when a subscriber
// leaves, and has nothing left to undo. Messages that are not
// subscriptions are ignored.
func judge(msg []byte, key string) verdict {
	if len(msg) == 0 || (msg[0] != subscribeByte && msg[0] != unsubscribeByte) {
		return verdict{}
	}
	topic := string(msg[1:])
	if msg[0] == unsubscribeByte {
		return verdict{apply: key != "", topic: topic}
	}
	switch {
	case len(key) != userKeyLen:
		return verdict{topic: topic, refused: refusedAnonymous}
	case strings.HasPrefix(wire.PrivatePrefix, topic):
		return verdict{topic: topic, refused: refusedEverything}
	case wire.IsPrivateTopic(topic) && topic != wire.PrivateTopic(key):
		return verdict{topic: topic, refused: refusedPrivate}
	}
	return verdict{apply: true, subscribe: true, topic: topic}
}
