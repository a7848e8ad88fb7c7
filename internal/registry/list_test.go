package registry

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestParseListIsLenient(t *testing.T) {
	tests := []struct {
		desc string
		in   any
		want []Member
		ok   bool
	}{
		{"not a list", "s1", nil, false},
		{"missing", nil, nil, false},
		{"empty", []any{}, nil, true},
		{"standard maps sorted by rank", []any{
			map[string]any{"name": "s2", "rank": uint8(2), "address": "tcp://b"},
			map[string]any{"name": "s1", "rank": int64(1)},
		}, []Member{{"s1", 1, ""}, {"s2", 2, "tcp://b"}}, true},
		{"portuguese, bin value, map[any]any", []any{
			map[any]any{"nome": []byte("s1"), "rank": 3.0, 7: "ignored"},
		}, []Member{{"s1", 3, ""}}, true},
		{"pairs", []any{[]any{"s2", 2}, []any{"s1", json.Number("1"), "tcp://a"}},
			[]Member{{"s1", 1, "tcp://a"}, {"s2", 2, ""}}, true},
		{"names only", []any{"s1", "s2"}, []Member{{"s1", 0, ""}, {"s2", 0, ""}}, true},
		{"name to rank map", map[string]any{"s1": 1, "s2": uint16(2), "bad": "x"},
			[]Member{{"s1", 1, ""}, {"s2", 2, ""}}, true},
		{"unreadable entries are skipped", []any{42, map[string]any{"rank": 1}, []any{}, "s1"},
			[]Member{{"s1", 0, ""}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, ok := parseList(tt.in)
			if ok != tt.ok || !slices.Equal(got, tt.want) {
				t.Fatalf("parseList = %v %v, want %v %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// What a decoder really produces for our own reply must parse back.
func TestParseListRoundTripsOurReply(t *testing.T) {
	in := []Member{{"s1", 1, "tcp://a"}, {"s2", 2, "tcp://b"}}
	b, err := msgpack.Marshal(map[string]any{"list": listData(in)})
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := msgpack.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	got, ok := parseList(out["list"])
	if !ok || !slices.Equal(got, in) {
		t.Fatalf("round trip = %v %v", got, ok)
	}
}
