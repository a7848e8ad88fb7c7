package wire

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// peekKeys bounds how many top-level entries Peek looks at: an envelope
// has two or three.
const peekKeys = 16

// Peek reads only what a reply needs from a request it will not serve:
// the encoding, the service ("" when there is no string service) and the
// sender's clock, found by the same rule as Decode's. It walks the frame
// without building it: other values, nested ones too (within the
// decoder's depth bound), are skipped, so its work is linear in the frame
// and it allocates only the few scalars it keeps. That makes it the cheap
// way to answer a frame too large to decode, or a flood. Keys come in any
// order: Go's MessagePack writes maps unordered and encoding/json sorts
// them, "data" first.
func Peek(frame []byte) Message {
	m := Message{Encoding: sniff(frame)}
	top, data := map[string]any{}, map[string]any{}
	if m.Encoding == JSON {
		peekJSON(frame, top, data)
	} else {
		peekMsgPack(frame, top, data)
	}
	m.Service, _ = AsString(top["service"])
	m.Clock = findClock(top, data)
	return m
}

func peekable(key string) bool { return key == "service" || slices.Contains(clockKeys, key) }

func peekMsgPack(frame []byte, top, data map[string]any) {
	d := msgpack.NewDecoder(bytes.NewReader(frame))
	n, err := d.DecodeMapLen()
	for i := 0; err == nil && i < min(n, peekKeys); i++ {
		var key string
		if key, err = d.DecodeString(); err != nil {
			return
		}
		c, _ := d.PeekCode()
		switch {
		case key == "data" && isMap(c):
			err = peekMsgPackData(d, data)
		case peekable(key) && !isMap(c) && !isArray(c):
			top[key], err = d.DecodeInterfaceLoose()
		default:
			err = skipMsgPack(d, 1)
		}
	}
}

// peekMsgPackData keeps the clock entries of the data map.
func peekMsgPackData(d *msgpack.Decoder, data map[string]any) error {
	n, err := d.DecodeMapLen()
	for i := 0; err == nil && i < n; i++ { // a declared length beyond the frame ends at its end
		var key string
		if key, err = d.DecodeString(); err != nil {
			return err
		}
		c, _ := d.PeekCode()
		if slices.Contains(clockKeys, key) && !isMap(c) && !isArray(c) {
			data[key], err = d.DecodeInterfaceLoose()
		} else {
			err = skipMsgPack(d, 2)
		}
	}
	return err
}

func isMap(c byte) bool {
	return msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32
}

func isArray(c byte) bool {
	return msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32
}

// skipMsgPack passes over one value. Containers are walked here, with the
// depth bound, rather than by the library's Skip, which recurses without
// one.
func skipMsgPack(d *msgpack.Decoder, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	c, err := d.PeekCode()
	if err != nil {
		return err
	}
	entries := 0
	switch {
	case isMap(c):
		n, err := d.DecodeMapLen()
		if err != nil {
			return err
		}
		entries = 2 * n
	case isArray(c):
		if entries, err = d.DecodeArrayLen(); err != nil {
			return err
		}
	default:
		return d.Skip()
	}
	for range entries { // a declared length beyond the frame ends at its end
		if err := skipMsgPack(d, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func peekJSON(frame []byte, top, data map[string]any) {
	d := json.NewDecoder(bytes.NewReader(frame))
	d.UseNumber()
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return
	}
	for range peekKeys {
		key, ok := jsonKey(d)
		if !ok {
			return
		}
		var err error
		switch {
		case key == "data":
			err = peekJSONData(d, data)
		case peekable(key):
			err = jsonScalar(d, top, key)
		default:
			err = skipJSON(d)
		}
		if err != nil {
			return
		}
	}
}

// peekJSONData keeps the clock entries of the data value, when it is an
// object, and passes over it.
func peekJSONData(d *json.Decoder, data map[string]any) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return skipJSONFrom(d, tok)
	}
	for {
		key, ok := jsonKey(d)
		if !ok {
			return nil // the object's end, or an error the next read meets again
		}
		if slices.Contains(clockKeys, key) {
			err = jsonScalar(d, data, key)
		} else {
			err = skipJSON(d)
		}
		if err != nil {
			return err
		}
	}
}

// jsonKey reads an object's next key; false at its end or on an error.
func jsonKey(d *json.Decoder) (string, bool) {
	tok, err := d.Token()
	key, ok := tok.(string)
	return key, err == nil && ok
}

// jsonScalar keeps the next value under key when it is not an object or
// array (which is passed over).
func jsonScalar(d *json.Decoder, into map[string]any, key string) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if _, delim := tok.(json.Delim); delim {
		return skipJSONFrom(d, tok)
	}
	into[key] = tok
	return nil
}

// skipJSON passes over one value, token by token (encoding/json bounds
// the nesting itself).
func skipJSON(d *json.Decoder) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	return skipJSONFrom(d, tok)
}

// skipJSONFrom passes over the rest of the value whose first token was
// tok.
func skipJSONFrom(d *json.Decoder, tok json.Token) error {
	open := 0
	for {
		switch tok {
		case json.Delim('{'), json.Delim('['):
			open++
		case json.Delim('}'), json.Delim(']'):
			open--
		}
		if open <= 0 {
			return nil
		}
		var err error
		if tok, err = d.Token(); err != nil {
			return err
		}
	}
}
