package wire

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestDecodeHostileHeaders covers frames whose headers announce far more
// than they carry: each must fail fast without a large allocation (the
// library alone reserved gigabytes for a 5-byte map32 header).
func TestDecodeHostileHeaders(t *testing.T) {
	tests := []struct {
		name  string
		frame []byte
	}{
		{"map32 of 2^32-1 entries", raw{0xdf, 0xff, 0xff, 0xff, 0xff}},
		{"map32 of 2^28 entries", raw{0xdf, 0x0f, 0xff, 0xff, 0xff}},
		{"map16 of 65535 entries", raw{0xde, 0xff, 0xff}},
		{"array32 of 2^32-1", raw{0xdd, 0xff, 0xff, 0xff, 0xff}},
		{"data array32", mpMap(t, "service", "x", "data", raw{0xdd, 0xff, 0xff, 0xff, 0xff})},
		{"nested array32 headers", bytes.Repeat(raw{0xdd, 0x00, 0x0f, 0xff, 0xff}, 1000)},
		{"str32 of 4 GiB", raw{0xdb, 0xff, 0xff, 0xff, 0xff}},
		{"bin32 of 4 GiB", raw{0xc6, 0xff, 0xff, 0xff, 0xff}},
		{"ext32 of 4 GiB", raw{0xc9, 0xff, 0xff, 0xff, 0xff, 0x01}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			if _, err := Decode(tt.frame, 0); err == nil {
				t.Fatal("decoded without error")
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

func TestDecodeDepth(t *testing.T) {
	nest := func(levels int) []byte {
		inner := append(bytes.Repeat(raw{0x91}, levels), 0x01) // [[[...1]]]
		return envelope(t, "users", mpMap(t, "deep", raw(inner)))
	}
	if _, err := Decode(nest(maxDepth-3), 0); err != nil {
		t.Fatalf("nesting within the limit: %v", err)
	}
	_, err := Decode(nest(maxDepth+10), 0)
	if err == nil || !strings.Contains(err.Error(), "nesting") {
		t.Fatalf("err = %v, want a nesting error", err)
	}
}

func TestDecodeNestedValues(t *testing.T) {
	m := mustDecode(t, envelope(t, "x", mpMap(t,
		"list", []any{"a", 1, map[string]any{"k": "v"}},
		"map", mpMap(t, bin("k"), bin("v")),
	)))
	list, ok := m.Data["list"].([]any)
	if !ok || len(list) != 3 || list[0] != "a" {
		t.Fatalf("list = %#v", m.Data["list"])
	}
	if inner, ok := list[2].(map[string]any); !ok || inner["k"] != "v" {
		t.Fatalf("map in list = %#v", list[2])
	}
	if inner, ok := m.Data["map"].(map[string]any); !ok || inner["k"] != "v" {
		t.Fatalf("bin-keyed map = %#v", m.Data["map"])
	}
}
