package replication

import (
	"fmt"
	"math"

	"zchat"
	"zchat/internal/wire"
)

// wireEvent is an event on the wire: a MessagePack array of its fields in
// this order, about half the size of a map. The tenth, the hash (bin, 32
// bytes), came later: an event of nine is from an older peer, and the
// receiving store computes its hash itself.
type wireEvent struct {
	_msgpack struct{} `msgpack:",as_array"`
	Origin   string
	Seq      uint64
	Clock    uint64
	Time     float64
	Kind     uint8
	User     string
	Target   string
	Text     string
	ReqID    string
	Hash     []byte
}

// eventFields is how many fields an event has at least (older peers send
// no hash).
const eventFields = 9

func encodeEvents(events []zchat.Event) []wireEvent {
	out := make([]wireEvent, len(events))
	for i := range events {
		e := &events[i] // Hash slices the caller's array: no copy per event
		out[i] = wireEvent{Origin: e.Origin, Seq: e.Seq, Clock: e.Clock, Time: e.Time,
			Kind: uint8(e.Kind), User: e.User, Target: e.Target, Text: e.Text, ReqID: e.ReqID, Hash: e.Hash[:]}
	}
	return out
}

// decodeEvents reads what a generic decoder made of []wireEvent. A missing
// list is an empty one.
func decodeEvents(v any) ([]zchat.Event, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("events: want an array, got %T", v)
	}
	events := make([]zchat.Event, len(list))
	for i, item := range list {
		e, err := decodeEvent(item)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		events[i] = e
	}
	return events, nil
}

func decodeEvent(v any) (zchat.Event, error) {
	f, ok := v.([]any)
	if !ok || len(f) < eventFields {
		return zchat.Event{}, fmt.Errorf("want an array of %d fields, got %T", eventFields, v)
	}
	var e zchat.Event
	var kind uint64
	r := fieldReader{}
	e.Origin, e.Seq, e.Clock = r.str(f[0]), r.uint(f[1]), r.uint(f[2])
	e.Time, kind = r.float(f[3]), r.uint(f[4])
	e.User, e.Target, e.Text, e.ReqID = r.str(f[5]), r.str(f[6]), r.str(f[7]), r.str(f[8])
	if len(f) > eventFields {
		e.Hash = r.hash(f[9])
	}
	if kind > math.MaxUint8 {
		r.fail("kind", f[4])
	}
	e.Kind = zchat.Kind(kind)
	return e, r.err
}

// fieldReader converts generic decoded values, keeping the first error so
// that a record reads in one expression per field.
type fieldReader struct{ err error }

func (r *fieldReader) fail(what string, v any) {
	if r.err == nil {
		r.err = fmt.Errorf("bad %s: %v (%T)", what, v, v)
	}
}

func (r *fieldReader) str(v any) string {
	s, ok := wire.AsString(v)
	if !ok {
		r.fail("string", v)
	}
	return s
}

func (r *fieldReader) uint(v any) uint64 {
	n, ok := toUint(v)
	if !ok {
		r.fail("unsigned integer", v)
	}
	return n
}

func (r *fieldReader) float(v any) float64 {
	f, ok := wire.AsFloat(v)
	if !ok {
		r.fail("number", v)
	}
	return f
}

// hash reads a 32-byte hash (bin, or str from a lenient encoder); nil is
// no hash.
func (r *fieldReader) hash(v any) zchat.Hash {
	var h zchat.Hash
	if v == nil {
		return h
	}
	b, ok := v.([]byte)
	if s, isStr := v.(string); isStr {
		b, ok = []byte(s), true
	}
	if !ok || len(b) != len(h) {
		r.fail("hash", v)
		return h
	}
	copy(h[:], b)
	return h
}

// toUint reads a non-negative integer with the wire's lenient rules.
func toUint(v any) (uint64, bool) {
	n, ok := wire.AsInt(v)
	return uint64(n), ok && n >= 0
}

// decodeVector reads an origin -> seq map.
func decodeVector(v any) (map[string]uint64, error) {
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("vector: want a map, got %T", v)
	}
	out := make(map[string]uint64, len(m))
	for origin, seq := range m {
		n, ok := toUint(seq)
		if !ok {
			return nil, fmt.Errorf("vector: bad seq %v for %s", seq, origin)
		}
		out[origin] = n
	}
	return out, nil
}
