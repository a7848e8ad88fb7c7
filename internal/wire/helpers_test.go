package wire

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// raw is a pre-encoded MessagePack value that the helpers write verbatim,
// so that a test controls the exact wire type (fixint, uint16, bin, ...).
type raw []byte

// mp encodes v as MessagePack. raw is copied as is; other values go through
// the library, which keeps Go widths (int8 as int8, uint16 as uint16, ...).
func mp(t testing.TB, v any) []byte {
	t.Helper()
	if r, ok := v.(raw); ok {
		return r
	}
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatalf("msgpack.Marshal(%#v): %v", v, err)
	}
	return b
}

// mpMap builds a MessagePack map from alternating keys and values. A key is
// a string (str) or a []byte (bin); values are anything mp encodes.
func mpMap(t testing.TB, kv ...any) raw {
	t.Helper()
	if len(kv)%2 != 0 || len(kv)/2 > 15 {
		t.Fatalf("mpMap: bad argument count %d", len(kv))
	}
	var buf bytes.Buffer
	buf.WriteByte(0x80 | byte(len(kv)/2))
	for _, v := range kv {
		buf.Write(mp(t, v))
	}
	return buf.Bytes()
}

// bin is a MessagePack bin value (what Python sends for bytes).
func bin(s string) raw {
	return append(raw{0xc4, byte(len(s))}, s...)
}

// envelope is the standard request {"service": svc, "data": data}.
func envelope(t testing.TB, svc string, data any) []byte {
	t.Helper()
	return mpMap(t, "service", svc, "data", data)
}

// js encodes v as JSON.
func js(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return b
}

// mustDecode decodes a frame that must be valid.
func mustDecode(t testing.TB, frame []byte) Message {
	t.Helper()
	m, err := Decode(frame, 0)
	if err != nil {
		t.Fatalf("Decode(%x): %v", frame, err)
	}
	return m
}

// unpack decodes an encoded frame back into plain maps for inspection.
func unpack(t testing.TB, enc Encoding, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	var err error
	if enc == JSON {
		err = json.Unmarshal(b, &m)
	} else {
		err = msgpack.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatalf("unpack %x: %v", b, err)
	}
	return m
}
