package wire

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// maxDepth bounds the nesting of maps and arrays in a frame: no request
// nests deeper than a few levels, and unbounded recursion is an attack.
const maxDepth = 64

var errTooDeep = fmt.Errorf("nesting deeper than %d levels", maxDepth)

// decodeMsgPack decodes one MessagePack value. Maps and arrays are decoded
// here rather than by the library, which preallocates whatever length the
// header declares: a 5-byte frame announcing 2^32 entries would reserve
// gigabytes. Here an allocation never exceeds what the remaining bytes could
// hold. Scalars use the library's loose decoding (int64/uint64/float64,
// str and bin as string, timestamp extension as time.Time).
func decodeMsgPack(frame []byte) (any, error) {
	r := bytes.NewReader(frame)
	d := msgpack.NewDecoder(r)
	return decodeValue(d, r, 0)
}

func decodeValue(d *msgpack.Decoder, r *bytes.Reader, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	c, err := d.PeekCode()
	if err != nil {
		return nil, err
	}
	switch {
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		return decodeMsgPackMap(d, r, depth)
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		return decodeMsgPackArray(d, r, depth)
	}
	return d.DecodeInterfaceLoose()
}

// decodeMsgPackMap reads a map with str or bin keys; every entry takes at
// least two bytes, which bounds the preallocation.
func decodeMsgPackMap(d *msgpack.Decoder, r *bytes.Reader, depth int) (map[string]any, error) {
	n, err := d.DecodeMapLen()
	if err != nil {
		return nil, err
	}
	if n > r.Len()/2 {
		return nil, errTruncated
	}
	m := make(map[string]any, max(n, 0))
	for range n {
		k, err := d.DecodeString()
		if err != nil {
			return nil, fmt.Errorf("map key: %w", err)
		}
		if m[k], err = decodeValue(d, r, depth+1); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// decodeMsgPackArray reads an array; every element takes at least a byte.
func decodeMsgPackArray(d *msgpack.Decoder, r *bytes.Reader, depth int) ([]any, error) {
	n, err := d.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	if n > r.Len() {
		return nil, errTruncated
	}
	s := make([]any, 0, max(n, 0))
	for range n {
		v, err := decodeValue(d, r, depth+1)
		if err != nil {
			return nil, err
		}
		s = append(s, v)
	}
	return s, nil
}

var errTruncated = errors.New("declared length exceeds the frame")
