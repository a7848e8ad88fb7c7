package survey

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"zchat/internal/wire"
)

func server(name, coordinator string, skew, offset float64) Server {
	return Server{Name: name, Coordinator: coordinator, Skew: skew, Offset: offset, Ahead: skew + offset, RTT: 0.001}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name        string
		servers     []Server
		coordinator string
		agreed      bool
		line        string
	}{
		{"agreed", []Server{server("s1", "s3", 0, 0), server("s2", "s3", 1, -1), server("s3", "s3", 0, 0.002)},
			"s3", true, "coordinator: s3 (agreed by all)"},
		{"disagree", []Server{server("s1", "s2", 0, 0), server("s2", "s2", 0, 0), server("s3", "s3", 0, 0)},
			"", false, "WARNING: servers disagree on the coordinator: s2 according to s1, s2; s3 according to s3"},
		{"all follow one that did not answer", []Server{server("s1", "s3", 0, 0), server("s2", "s3", 0, 0), {Name: "s3", Error: "no reply"}},
			"", false, "WARNING: unreachable: s3"},
		{"nobody knows", []Server{server("s1", "", 0, 0)}, "", false, "(none) according to s1"},
		{"no servers", nil, "", false, "no servers listed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := summarize("tcp://ref", tt.servers)
			if r.Coordinator != tt.coordinator || r.Agreed != tt.agreed {
				t.Fatalf("coordinator %q agreed %v, want %q %v", r.Coordinator, r.Agreed, tt.coordinator, tt.agreed)
			}
			var out bytes.Buffer
			if err := r.WriteTable(&out); err != nil || !strings.Contains(out.String(), tt.line) {
				t.Fatalf("table lacks %q (err %v):\n%s", tt.line, err, out.String())
			}
		})
	}
}

func TestSpreads(t *testing.T) {
	r := summarize("", []Server{server("s1", "s1", -3, 3.001), server("s2", "s1", 0, 0), server("s3", "s1", 5, -4.998)})
	if r.SkewSpread < 0.0019 || r.SkewSpread > 0.0021 || r.Spread != r.SkewSpread || r.SpreadError != 0.001 {
		t.Fatalf("spreads %+v", r)
	}
}

func TestJSONIsOneObject(t *testing.T) {
	var out bytes.Buffer
	if err := summarize("tcp://ref", []Server{server("s1", "s1", 0, 0)}).WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back["coordinator"] != "s1" || back["agreed"] != true {
		t.Fatalf("json %s (err %v)", out.String(), err)
	}
}

// Fields arrive in whatever integer kinds MessagePack decoding produces.
func TestReadStatusAndList(t *testing.T) {
	list := parseList([]any{
		map[string]any{"name": "s1", "rank": int8(1), "address": "tcp://a"},
		map[any]any{"name": []byte("s2"), "rank": uint16(2), "address": "tcp://b"},
		"garbage", map[string]any{"rank": 3},
	})
	if len(list) != 2 || list[1].Name != "s2" || list[1].Rank != 2 || list[1].Address != "tcp://b" {
		t.Fatalf("list %+v", list)
	}
	var s Server
	s.read(wire.Message{Clock: 9, Data: map[string]any{
		"server": "s1", "rank": uint8(3), "coordinator": "s3", "time": 1.5, "offset": float32(0.25),
		"skew": int64(-3), "peers": []any{"s2", []byte("s3")}, "uptime": 2.0, "events": uint32(7), "elections": int8(1),
	}})
	want := Server{Name: "s1", Rank: 3, Coordinator: "s3", Time: 1.5, Offset: 0.25, Skew: -3, Clock: 9,
		Peers: []string{"s2", "s3"}, Uptime: 2, Events: 7, Elections: 1}
	if s.Name != want.Name || s.Rank != want.Rank || s.Offset != want.Offset || s.Skew != want.Skew ||
		strings.Join(s.Peers, ",") != "s2,s3" || s.Events != 7 || s.Clock != 9 || s.Elections != 1 {
		t.Fatalf("read %+v, want %+v", s, want)
	}
}
