package client

import (
	"bytes"

	"zchat/internal/wire"
)

// parsePublication reads the frames of one publication and keeps it only
// when its topic is exactly one of topics. It accepts the standard
// [topic, msgpack], [topic, JSON], a payload wrapped in an envelope, and a
// single frame (the payload alone naming its topic, or "topic payload").
//
// private is the private topic the socket follows in secure mode ("" in
// open mode): a publication on it is a private message to one of the
// key's names, kept when that name, its dst, is one of topics.
func parsePublication(frames [][]byte, topics topicSet, private string) (Message, bool) {
	if private != "" && len(frames) == 2 && string(frames[0]) == private {
		return parsePrivate(frames[1], topics)
	}
	topic, w, ok := splitPublication(frames, topics)
	if !ok || !topics.has(topic) {
		return Message{}, false
	}
	return fromWire(w, topic), true
}

func splitPublication(frames [][]byte, topics topicSet) (string, wire.Message, bool) {
	switch len(frames) {
	case 0:
		return "", wire.Message{}, false
	case 1:
		return singleFrame(frames[0], topics)
	}
	w, err := wire.DecodePublication(frames[1])
	return string(frames[0]), w, err == nil
}

// singleFrame finds the topic of a one-frame publication.
func singleFrame(frame []byte, topics topicSet) (string, wire.Message, bool) {
	if w, err := wire.DecodePublication(frame); err == nil {
		return firstText(w.Data, topicKeys), w, true
	}
	for _, t := range topics.prefixesOf(frame) {
		rest := bytes.TrimPrefix(frame[len(t):], []byte(" "))
		if w, err := wire.DecodePublication(rest); err == nil {
			return t, w, true
		}
	}
	return "", wire.Message{}, false
}

// parsePrivate reads a publication of the private topic: the standard
// private message payload, whose recipient is its topic for delivery and
// for the Session's bookkeeping, as on the open port.
func parsePrivate(payload []byte, topics topicSet) (Message, bool) {
	w, err := wire.DecodePublication(payload)
	if err != nil {
		return Message{}, false
	}
	m := fromWire(w, "")
	if !m.Private || m.Dst == "" || !topics.has(m.Dst) {
		return Message{}, false
	}
	return m, true
}
