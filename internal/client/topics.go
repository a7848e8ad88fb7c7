package client

import (
	"bytes"
	"sort"
)

// topicSet is the set of topics subscribed exactly. ZeroMQ filters by
// prefix (a subscription to "ana" also receives "anabela"); delivery checks
// this set so that only exact topics get through.
type topicSet map[string]struct{}

// add reports whether topic was new.
func (s topicSet) add(topic string) bool {
	if s.has(topic) {
		return false
	}
	s[topic] = struct{}{}
	return true
}

// remove reports whether topic was present.
func (s topicSet) remove(topic string) bool {
	if !s.has(topic) {
		return false
	}
	delete(s, topic)
	return true
}

func (s topicSet) has(topic string) bool {
	_, ok := s[topic]
	return ok
}

// prefixesOf lists the subscribed topics that frame starts with, longest
// first: the candidates for the topic of a single-frame publication.
func (s topicSet) prefixesOf(frame []byte) []string {
	var out []string
	for t := range s {
		if bytes.HasPrefix(frame, []byte(t)) {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}
