package registry

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"zchat/internal/wire"
)

func TestRanksAreStableAndSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	ep := freeEndpoint(t)
	stop := startReference(t, ep, dir, time.Second)
	for _, tc := range []struct {
		name string
		want int
	}{{"s1", 1}, {"s2", 2}, {"s1", 1}, {"s3", 3}, {"s2", 2}} {
		if got := rankOf(t, ep, tc.name); got != tc.want {
			t.Fatalf("rank of %s = %d, want %d", tc.name, got, tc.want)
		}
	}
	stop()

	ep = freeEndpoint(t)
	startReference(t, ep, dir, time.Second)
	for _, tc := range []struct {
		name string
		want int
	}{{"s3", 3}, {"s4", 4}, {"s1", 1}} {
		if got := rankOf(t, ep, tc.name); got != tc.want {
			t.Fatalf("after restart: rank of %s = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestSilentServersLeaveTheList(t *testing.T) {
	ep := freeEndpoint(t)
	startReference(t, ep, "", time.Second)
	rankOf(t, ep, "s1")
	rankOf(t, ep, "s2")
	want := []Member{{"s1", 1, "tcp://s1"}, {"s2", 2, "tcp://s2"}}
	if got := listOf(t, ep); !slices.Equal(got, want) {
		t.Fatalf("list = %v, want %v", got, want)
	}
	eventually(t, 5*time.Second, "s1 to expire", func() bool {
		call(t, ep, "heartbeat", map[string]any{"user": "s2"}) // s2 stays
		return slices.Equal(listOf(t, ep), []Member{{"s2", 2, "tcp://s2"}})
	})
}

func TestHeartbeatReplyCarriesRankListAndStamps(t *testing.T) {
	ep := freeEndpoint(t)
	startReference(t, ep, "", time.Second)
	rankOf(t, ep, "s1")
	reply := call(t, ep, "heartbeat", map[string]any{"user": "s2", "address": "tcp://x"})
	if reply.Service != "heartbeat" {
		t.Errorf("service %q", reply.Service)
	}
	if st, _ := reply.OptString("status"); st != "OK" {
		t.Errorf("status %q", st)
	}
	if r, _ := reply.OptInt("rank", 0); r != 2 {
		t.Errorf("an unknown name is registered by heartbeat: rank %d, want 2", r)
	}
	if l, _ := parseList(reply.Data["list"]); len(l) != 2 {
		t.Errorf("list %v", l)
	}
	if reply.Clock == 0 || reply.Timestamp < 1e9 {
		t.Errorf("clock %d timestamp %v", reply.Clock, reply.Timestamp)
	}
}

func TestBadRequestsGetErrorReplies(t *testing.T) {
	ep := freeEndpoint(t)
	startReference(t, ep, "", time.Second)
	tests := []struct {
		desc  string
		frame func() []byte
	}{
		{"garbage", func() []byte { return []byte{0xc1, 'x', 'y'} }},
		{"not a map", func() []byte { return []byte{0x93, 1, 2, 3} }},
		{"unknown service", func() []byte { return encode(t, "nope", map[string]any{}) }},
		{"rank without user", func() []byte { return encode(t, "rank", map[string]any{}) }},
		{"heartbeat with empty user", func() []byte { return encode(t, "heartbeat", map[string]any{"user": ""}) }},
		{"user not a string", func() []byte { return encode(t, "rank", map[string]any{"user": 12}) }},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			reply, err := wire.Decode(rawCall(t, ep, tt.frame()), 0)
			if err != nil {
				t.Fatalf("reply: %v", err)
			}
			if st, _ := reply.OptString("status"); st != wire.StatusError {
				t.Fatalf("reply %v, want an erro", reply.Data)
			}
			if d, _ := reply.OptString("description"); d == "" {
				t.Fatalf("error without description: %v", reply.Data)
			}
		})
	}
	if r := rankOf(t, ep, "s1"); r != 1 { // still serving, nothing was ranked
		t.Fatalf("rank after bad requests = %d", r)
	}
}

func TestJSONRequestGetsJSONReply(t *testing.T) {
	ep := freeEndpoint(t)
	startReference(t, ep, "", time.Second)
	reply := rawCall(t, ep, []byte(`{"service":"rank","data":{"user":"js","timestamp":"2024-01-01T00:00:00Z","clock":41}}`))
	var got struct {
		Service string         `json:"service"`
		Data    map[string]any `json:"data"`
	}
	if err := json.Unmarshal(reply, &got); err != nil {
		t.Fatalf("reply %q is not JSON: %v", reply, err)
	}
	if got.Service != "rank" || got.Data["rank"] != 1.0 || got.Data["clock"].(float64) <= 41 {
		t.Fatalf("reply %s", reply)
	}
}

func encode(t *testing.T, service string, data map[string]any) []byte {
	t.Helper()
	b, err := wire.Encode(wire.MsgPack, service, data, 1, nowSeconds())
	if err != nil {
		t.Fatal(err)
	}
	return b
}
