package coordination

import (
	"context"
	"math"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/clock"
	"zchat/internal/wire"
)

func pack(t *testing.T, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseAnnouncement(t *testing.T) {
	tests := []struct {
		name    string
		payload any // marshalled with MessagePack unless a string (sent as is)
		want    announcement
		ok      bool
	}{
		{"standard", map[string]any{"service": "election", "data": map[string]any{"coordinator": "s3", "timestamp": 1.5, "clock": 7}},
			announcement{Name: "s3"}, true},
		{"ours, with rank", map[string]any{"service": "election", "data": map[string]any{"coordinator": "s3", "rank": int8(3)}, "clock": 7},
			announcement{Name: "s3", Rank: 3}, true},
		{"flat map", map[string]any{"coordinator": "s2", "timestamp": "2026-01-01T00:00:00Z", "clock": 3},
			announcement{Name: "s2"}, true},
		{"type field and coordinator", map[string]any{"type": "coordinator", "coordinator": "s4", "rank": uint32(9)},
			announcement{Name: "s4", Rank: 9}, true},
		{"type field naming the server", map[string]any{"type": "coordinator", "server": "s5"},
			announcement{Name: "s5"}, true},
		{"type field in data", map[string]any{"service": "election", "data": map[string]any{"type": "leader", "name": "s6"}},
			announcement{Name: "s6"}, true},
		{"leader key", map[string]any{"leader": "s7"}, announcement{Name: "s7"}, true},
		{"name sent as bin", map[string]any{"coordinator": []byte("s8")}, announcement{Name: "s8"}, true},
		{"JSON text", `{"service": "election", "data": {"coordinator": "s9", "clock": 1}}`, announcement{Name: "s9"}, true},
		{"non-integer rank ignored", map[string]any{"coordinator": "s1", "rank": 1.5}, announcement{Name: "s1"}, true},
		{"a server name without a type is no announcement", map[string]any{"server": "s1"}, announcement{}, false},
		{"an election request is no announcement", map[string]any{"service": "election", "data": map[string]any{"server": "s1"}}, announcement{}, false},
		{"empty name", map[string]any{"coordinator": ""}, announcement{}, false},
		{"garbage", "\xc1\xc1", announcement{}, false},
		{"not a map", []any{"coordinator", "s1"}, announcement{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, isText := tt.payload.(string)
			raw := []byte(payload)
			if !isText {
				raw = pack(t, tt.payload)
			}
			got, ok := parseAnnouncement(raw)
			got.Clock = 0 // checked below
			if ok != tt.ok || got != tt.want {
				t.Fatalf("got %+v %v, want %+v %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAnnouncementClockIsObserved(t *testing.T) {
	c := New(Config{Self: "s1", Membership: fakeStatic{}})
	payload := pack(t, map[string]any{"service": "election", "data": map[string]any{"coordinator": "s3", "clock": 41}})
	c.heard([][]byte{[]byte(TopicServers), payload})
	if got := c.cfg.Lamport.Now(); got != 42 {
		t.Fatalf("Lamport clock %d after receiving 41, want 42", got)
	}
}

// Anyone can publish on topic servers: an announcement's clock counts only
// up to ours plus the maximum jump.
func TestAnnouncementClockIsBounded(t *testing.T) {
	c := New(Config{Self: "s1", Membership: fakeStatic{}})
	for _, forged := range []uint64{math.MaxInt64, 1 << 62} {
		payload := pack(t, map[string]any{"service": "election", "data": map[string]any{"coordinator": "s3", "clock": forged}})
		c.heard([][]byte{[]byte(TopicServers), payload})
	}
	if got, want := c.cfg.Lamport.Now(), 2*(clock.DefaultMaxJump+1); got != want {
		t.Fatalf("Lamport clock %d after two forged clocks, want %d", got, want)
	}
}

func TestAnnouncementPayload(t *testing.T) {
	payload := []byte("P")
	tests := []struct {
		name   string
		frames [][]byte
		want   string
	}{
		{"standard two frames", [][]byte{[]byte("servers"), payload}, "P"},
		{"single frame with topic prefix", [][]byte{[]byte("servers P")}, "P"},
		{"another topic sharing the prefix", [][]byte{[]byte("servers2"), payload}, ""},
		{"three frames", [][]byte{[]byte("servers"), payload, payload}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(announcementPayload(tt.frames)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Our announcement is the standard shape: a reader that knows only the
// standard finds the coordinator in data.
func TestPublishedAnnouncementIsStandard(t *testing.T) {
	var got []byte
	c := New(Config{Self: "s3", Membership: fakeStatic{}, Publish: func(topic string, p []byte) {
		if topic != TopicServers {
			t.Errorf("topic %q", topic)
		}
		got = p
	}})
	c.publishAnnouncement(selfPeer("s3", 3))
	m, err := wire.Decode(got, 0)
	if err != nil || m.Service != "election" || m.Data["coordinator"] != "s3" || m.Clock == 0 || m.Timestamp == 0 {
		t.Fatalf("announcement %+v, err %v", m, err)
	}
}

func TestSender(t *testing.T) {
	tests := []struct {
		data map[string]any
		name string
		rank int
	}{
		{map[string]any{"server": "s1", "rank": int8(4)}, "s1", 4},
		{map[string]any{"user": "s2"}, "s2", 0},
		{map[string]any{"from": "s3", "rank": "high"}, "s3", 0},
		{map[string]any{}, "", 0},
	}
	for _, tt := range tests {
		name, rank := sender(wire.Message{Data: tt.data})
		if name != tt.name || rank != tt.rank {
			t.Errorf("sender(%v) = %q %d, want %q %d", tt.data, name, rank, tt.name, tt.rank)
		}
	}
}

func TestServicesAnswerBeforeRun(t *testing.T) {
	c := New(Config{Self: "s1", Membership: fakeStatic{}})
	ctx := context.Background()
	for service, want := range map[string]string{"election": "election", "coordinator": "status", "sync": "status"} {
		reply := c.Services()[service](ctx, wire.Message{Service: service, Data: map[string]any{"server": "s0"}})
		if reply[want] != wire.StatusOK {
			t.Errorf("%s: reply %v", service, reply)
		}
	}
}
