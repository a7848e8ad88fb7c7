package wire

import (
	"bytes"
	"encoding/json"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// peekKeys bounds how many top-level entries Peek looks at: an envelope
// has two or three.
const peekKeys = 16

// Peek reads the service and the top-level clock of a frame too large to
// decode, so that a refusal can still name the request's service and
// merge its clock. It walks the top-level map without building anything,
// skipping the other values (nested ones too, within the decoder's depth
// bound), so its work is linear in the frame and it allocates only keys
// and scalars. Keys come in any order: Go's MessagePack writes maps
// unordered and encoding/json sorts them, "data" first. The clock inside
// "data" is not looked for; Service is "" when no string service was
// found.
func Peek(frame []byte) Message {
	if sniff(frame) == JSON {
		return peekJSON(frame)
	}
	return peekMsgPack(frame)
}

// peekable are the top-level keys Peek reads.
func peekable(key string) bool { return key == "service" || key == "clock" || key == "lamport_clock" }

func (m *Message) peeked(key string, v any) {
	if key == "service" {
		m.Service, _ = AsString(v)
		return
	}
	if n, ok := AsInt(v); ok && n > 0 && m.Clock == 0 {
		m.Clock = uint64(n)
	}
}

func peekMsgPack(frame []byte) Message {
	m := Message{Encoding: MsgPack}
	d := msgpack.NewDecoder(bytes.NewReader(frame))
	n, err := d.DecodeMapLen()
	for i := 0; err == nil && i < min(n, peekKeys); i++ {
		var key string
		if key, err = d.DecodeString(); err != nil {
			break
		}
		if !peekable(key) {
			err = skipMsgPack(d, 1)
			continue
		}
		if c, _ := d.PeekCode(); isContainer(c) {
			break
		}
		var v any
		if v, err = d.DecodeInterfaceLoose(); err == nil {
			m.peeked(key, v)
		}
	}
	return m
}

func isContainer(c byte) bool {
	return msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32 ||
		msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32
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
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		n, err := d.DecodeMapLen()
		if err != nil {
			return err
		}
		entries = 2 * n
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
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

func peekJSON(frame []byte) Message {
	m := Message{Encoding: JSON}
	d := json.NewDecoder(bytes.NewReader(frame))
	d.UseNumber()
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return m
	}
	for range peekKeys {
		tok, err := d.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			break
		}
		if !peekable(key) {
			if skipJSON(d) != nil {
				break
			}
			continue
		}
		v, err := d.Token()
		if _, nested := v.(json.Delim); err != nil || nested {
			break
		}
		m.peeked(key, v)
	}
	return m
}

// skipJSON passes over one value, token by token (encoding/json bounds
// the nesting itself).
func skipJSON(d *json.Decoder) error {
	open := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			open++
		case json.Delim('}'), json.Delim(']'):
			open--
		}
		if open == 0 {
			return nil
		}
	}
}
