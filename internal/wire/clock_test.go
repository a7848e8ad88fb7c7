package wire

import (
	"fmt"
	"testing"
)

// clockKinds is the value 42 (or an unreadable value) under every wire type
// a peer may choose for its Lamport clock.
var clockKinds = []struct {
	name string
	v    raw
	want uint64
}{
	{"positive fixint", raw{0x2a}, 42},
	{"uint8", raw{0xcc, 42}, 42},
	{"uint16", raw{0xcd, 0x01, 0x2c}, 300},
	{"uint32", raw{0xce, 0, 0, 0, 42}, 42},
	{"uint64", raw{0xcf, 0, 0, 0, 0, 0, 0, 0, 42}, 42},
	{"int8", raw{0xd0, 42}, 42},
	{"int16", raw{0xd1, 0, 42}, 42},
	{"int32", raw{0xd2, 0, 0, 0, 42}, 42},
	{"int64", raw{0xd3, 0, 0, 0, 0, 0, 0, 0, 42}, 42},
	{"float32 integral", raw{0xca, 0x42, 0x28, 0, 0}, 42},
	{"float64 integral", raw{0xcb, 0x40, 0x45, 0, 0, 0, 0, 0, 0}, 42},
	{"numeric str", raw{0xa2, '4', '2'}, 42},
	{"numeric str with fraction zero", raw{0xa4, '4', '2', '.', '0'}, 42},
	{"numeric bin", bin("42"), 42},
	{"negative fixint", raw{0xff}, 0},
	{"negative int8", raw{0xd0, 0xfb}, 0},
	{"zero", raw{0x00}, 0},
	{"float64 fractional", raw{0xcb, 0x40, 0x45, 0x40, 0, 0, 0, 0, 0}, 0}, // 42.5
	{"float64 NaN", raw{0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}, 0},
	{"uint64 above int64", raw{0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0},
	{"text str", raw{0xa3, 'a', 'b', 'c'}, 0},
	{"bool", raw{0xc3}, 0},
	{"nil", raw{0xc0}, 0},
	{"map", raw{0x80}, 0},
}

// clockPlaces builds an envelope with the clock at one of the places seen
// in the wild.
var clockPlaces = []struct {
	name  string
	frame func(t *testing.T, v raw) []byte
}{
	{"data.clock", func(t *testing.T, v raw) []byte {
		return envelope(t, "users", mpMap(t, "clock", v))
	}},
	{"top-level clock", func(t *testing.T, v raw) []byte {
		return mpMap(t, "service", "users", "data", mpMap(t), "clock", v)
	}},
	{"top-level lamport_clock", func(t *testing.T, v raw) []byte {
		return mpMap(t, "service", "users", "data", mpMap(t), "lamport_clock", v)
	}},
	{"data.lamport_clock", func(t *testing.T, v raw) []byte {
		return envelope(t, "users", mpMap(t, "lamport_clock", v))
	}},
}

func TestDecodeClockKindsAndPlaces(t *testing.T) {
	for _, place := range clockPlaces {
		for _, kind := range clockKinds {
			t.Run(fmt.Sprintf("%s/%s", place.name, kind.name), func(t *testing.T) {
				if got := mustDecode(t, place.frame(t, kind.v)).Clock; got != kind.want {
					t.Fatalf("Clock = %d, want %d", got, kind.want)
				}
			})
		}
	}
}

func TestDecodeClockPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		frame func(t *testing.T) []byte
		want  uint64
	}{
		{"missing", func(t *testing.T) []byte { return envelope(t, "users", mpMap(t)) }, 0},
		{"missing, no data", func(t *testing.T) []byte { return mpMap(t, "service", "users") }, 0},
		{"data.clock beats top-level clock", func(t *testing.T) []byte {
			return mpMap(t, "service", "users", "data", mpMap(t, "clock", 5), "clock", 9)
		}, 5},
		{"top-level clock beats lamport_clock", func(t *testing.T) []byte {
			return mpMap(t, "service", "users", "data", mpMap(t, "lamport_clock", 9), "clock", 6)
		}, 6},
		{"data.lamport_clock beats top-level lamport_clock", func(t *testing.T) []byte {
			return mpMap(t, "service", "users", "data", mpMap(t, "lamport_clock", 7), "lamport_clock", 9)
		}, 7},
		{"unreadable data.clock falls back to top level", func(t *testing.T) []byte {
			return mpMap(t, "service", "users", "data", mpMap(t, "clock", "x"), "clock", 8)
		}, 8},
		{"zero data.clock falls back to top level", func(t *testing.T) []byte {
			return mpMap(t, "service", "users", "data", mpMap(t, "clock", 0), "clock", 8)
		}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustDecode(t, tt.frame(t)).Clock; got != tt.want {
				t.Fatalf("Clock = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDecodeClockJSON(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  uint64
	}{
		{"data.clock int", `{"service":"users","data":{"clock":42}}`, 42},
		{"data.clock float", `{"service":"users","data":{"clock":42.0}}`, 42},
		{"data.clock exponent", `{"service":"users","data":{"clock":4.2e1}}`, 42},
		{"data.clock string", `{"service":"users","data":{"clock":"42"}}`, 42},
		{"data.clock large", `{"service":"users","data":{"clock":9007199254740993}}`, 9007199254740993},
		{"top-level clock", `{"service":"users","data":{},"clock":42}`, 42},
		{"lamport_clock", `{"service":"users","data":{},"lamport_clock":42}`, 42},
		{"data.lamport_clock", `{"service":"users","data":{"lamport_clock":42}}`, 42},
		{"missing", `{"service":"users","data":{}}`, 0},
		{"null", `{"service":"users","data":{"clock":null}}`, 0},
		{"fractional", `{"service":"users","data":{"clock":42.5}}`, 0},
		{"negative", `{"service":"users","data":{"clock":-3}}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustDecode(t, []byte(tt.frame)).Clock; got != tt.want {
				t.Fatalf("Clock = %d, want %d", got, tt.want)
			}
		})
	}
}
