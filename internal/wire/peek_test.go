package wire

import (
	"bytes"
	"strings"
	"testing"
)

func TestPeek(t *testing.T) {
	big := map[string]any{"message": strings.Repeat("x", 100_000), "clock": 99}
	deep := raw(bytes.Repeat([]byte{0x91}, 100))
	cases := []struct {
		name    string
		frame   []byte
		service string // "" for not found
		clock   uint64
	}{
		{"msgpack, service first", envelope(t, "publish", big), "publish", 99},
		{"msgpack, data.clock wins", mpMap(t, "clock", 5, "data", map[string]any{"x": []any{1, 2}, "lamport_clock": 7, "clock": 6}, "service", "s"), "s", 6},
		{"msgpack, data not a map", mpMap(t, "data", "text", "service", "s", "lamport_clock", 8), "s", 8},
		{"msgpack, after scalars", mpMap(t, "timestamp", 1.5, "service", "login", "clock", 7, "data", big), "login", 99},
		{"msgpack, data first", mpMap(t, "data", big, "clock", uint16(300), "service", "publish"), "publish", 99},
		{"msgpack, lamport_clock", mpMap(t, "lamport_clock", "12", "service", "users"), "users", 12},
		{"msgpack, bin key and value", mpMap(t, bin("service"), bin("message")), "message", 0},
		{"msgpack, data nested too deep", mpMap(t, "data", deep, "service", "publish"), "", 0},
		{"msgpack, service a map", mpMap(t, "service", map[string]any{"a": 1}, "clock", 3), "", 3},
		{"msgpack, service not a string", mpMap(t, "service", 42), "", 0},
		{"msgpack, no service", mpMap(t, "data", map[string]any{}, "clock", 3), "", 3},
		{"msgpack, not a map", mp(t, []any{"service", "publish"}), "", 0},
		{"msgpack, truncated", envelope(t, "publish", big)[:5], "", 0},
		{"msgpack, map announcing 2^32 entries", []byte{0xdf, 0xff, 0xff, 0xff, 0xff}, "", 0},
		{"json, service first", []byte(`{"service":"channel","data":{"channel":"` + strings.Repeat("y", 1000) + `"}}`), "channel", 0},
		{"json, sorted keys", []byte(`{"clock":4,"data":{"a":[1,{"b":"}"}],"clock":8},"service":"users"}`), "users", 8},
		{"json, data an array", []byte(`{"data":[{"clock":9}],"lamport_clock":"3","service":"users"}`), "users", 3},
		{"json, data null", []byte(`{"data":null,"service":"users"}`), "users", 0},
		{"json, service a number", []byte(`{"service":1}`), "", 0},
		{"json, broken", []byte(`{"data":{"x":`), "", 0},
		{"empty", nil, "", 0},
	}
	for _, c := range cases {
		m := Peek(c.frame)
		if full, err := Decode(c.frame, 0); err == nil && (full.Service != m.Service || full.Clock != m.Clock) {
			t.Errorf("%s: Peek found %q clock %d, Decode %q clock %d", c.name, m.Service, m.Clock, full.Service, full.Clock)
		}
		if m.Service != c.service || m.Clock != c.clock || m.Encoding != sniff(c.frame) {
			t.Errorf("%s: got service %q clock %d encoding %v; want %q, %d", c.name, m.Service, m.Clock, m.Encoding, c.service, c.clock)
		}
	}
}
