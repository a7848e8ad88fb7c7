package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Encoding is the serialization of a frame. Replies use the encoding of the
// request they answer.
type Encoding uint8

// The encodings zchat reads; it writes JSON only in answer to JSON.
const (
	MsgPack Encoding = iota
	JSON
)

// Message is a decoded envelope: {"service": ..., "data": {...}}.
type Message struct {
	Service   string
	Data      map[string]any
	Clock     uint64  // sender's Lamport clock, 0 when absent
	Timestamp float64 // sender's time in seconds, 0 when absent or unreadable
	Encoding  Encoding
}

// ErrTooLarge is returned for frames over the configured limit.
var ErrTooLarge = errors.New("frame too large")

// Decode reads one envelope. On error the returned Message still carries the
// Encoding (and Service when it was readable) so that the caller can answer
// in kind.
func Decode(frame []byte, maxFrame int) (Message, error) {
	m := Message{Encoding: sniff(frame)}
	if maxFrame > 0 && len(frame) > maxFrame {
		return m, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(frame), maxFrame)
	}
	top, err := decodeMap(frame, m.Encoding)
	if err != nil {
		return m, err
	}
	return m, m.fill(top)
}

// sniff tells JSON (a text frame starting with '{') from MessagePack.
func sniff(frame []byte) Encoding {
	trimmed := bytes.TrimLeft(frame, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return JSON
	}
	return MsgPack
}

func decodeMap(frame []byte, enc Encoding) (map[string]any, error) {
	v, err := decodeAny(frame, enc)
	if err != nil {
		return nil, err
	}
	m, ok := AsMap(v)
	if !ok {
		return nil, fmt.Errorf("malformed request: top level is %T, want a map", v)
	}
	return m, nil
}

func decodeAny(frame []byte, enc Encoding) (any, error) {
	var v any
	if enc == JSON {
		dec := json.NewDecoder(bytes.NewReader(frame))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("malformed JSON: %w", err)
		}
		return v, nil
	}
	v, err := decodeMsgPack(frame)
	if err != nil {
		return nil, fmt.Errorf("malformed MessagePack: %w", err)
	}
	return v, nil
}

// AsMap turns the map types decoders produce into map[string]any,
// accepting bin keys as strings and skipping keys that are not strings
// (no standard field has one).
func AsMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, val := range m {
			if ks, ok := AsString(k); ok {
				out[ks] = val
			}
		}
		return out, true
	}
	return nil, false
}

func (m *Message) fill(top map[string]any) error {
	svc, ok := AsString(top["service"])
	if !ok || svc == "" {
		return errors.New(`missing or invalid "service"`)
	}
	m.Service = svc
	m.Data = map[string]any{}
	if raw, present := top["data"]; present && raw != nil {
		data, ok := AsMap(raw)
		if !ok {
			return errors.New(`"data" is not a map`)
		}
		m.Data = data
	}
	m.Clock = findClock(top, m.Data)
	m.Timestamp, _ = Seconds(firstPresent(m.Data["timestamp"], top["timestamp"]))
	return nil
}

// findClock applies the clock location rule of the interoperability table.
func findClock(top, data map[string]any) uint64 {
	for _, key := range clockKeys {
		for _, where := range []map[string]any{data, top} {
			if n, ok := AsInt(where[key]); ok && n > 0 {
				return uint64(n)
			}
		}
	}
	return 0
}

func firstPresent(vs ...any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}
