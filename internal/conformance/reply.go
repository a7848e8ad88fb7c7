package conformance

import (
	"fmt"
	"slices"

	"zchat/internal/wire"
)

// Reply is a decoded reply with what the checks ask of it.
type Reply struct {
	Msg       wire.Message // Data is the envelope's data (or the flat map)
	SentClock uint64       // the request's Lamport clock, 0 when not sent
}

// decodeReply reads a reply leniently: an envelope or a flat map, in
// MessagePack or JSON.
func decodeReply(frame []byte, sent uint64) (*Reply, error) {
	m, err := wire.DecodePublication(frame)
	if err != nil {
		return nil, fmt.Errorf("reply does not decode: %v", err)
	}
	return &Reply{Msg: m, SentClock: sent}, nil
}

// Status is the reply's data.status ("" when absent).
func (r *Reply) Status() string { return r.text("status") }

// Enveloped reports whether the reply is {"service", "data": {...}}.
func (r *Reply) Enveloped() bool { return r.Msg.Service != "" }

// Has reports whether data has key.
func (r *Reply) Has(key string) bool {
	_, ok := r.Msg.Data[key]
	return ok
}

func (r *Reply) text(key string) string {
	s, _ := r.Msg.OptString(key)
	return s
}

// Names returns data[key] as a list of strings; ok is false when the key
// is absent or not a list of strings.
func (r *Reply) Names(key string) ([]string, bool) {
	list, ok := r.Msg.Data[key].([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// Lists reports whether data[key] is a list of names including name.
func (r *Reply) Lists(key, name string) bool {
	names, ok := r.Names(key)
	return ok && slices.Contains(names, name)
}

func (r *Reply) String() string { return fmt.Sprintf("%v", r.Msg.Data) }
