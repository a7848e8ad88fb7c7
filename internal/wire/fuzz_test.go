package wire

import (
	"testing"
)

// FuzzDecode feeds arbitrary bytes to every reader of the wire layer: none
// may panic, and a successful decode must be usable by the server.
func FuzzDecode(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		m, err := Decode(frame, 1<<16)
		if err == nil {
			checkUsable(t, m)
		}
		if p, err := DecodePublication(frame); err == nil && p.Data == nil {
			t.Fatal("publication decoded with nil data")
		}
	})
}

func checkUsable(t *testing.T, m Message) {
	if m.Service == "" || m.Data == nil {
		t.Fatalf("decoded without service or data: %+v", m)
	}
	for _, f := range []string{"user", "channel", "src", "dst", "message"} {
		_, _ = m.String(f)
		_, _ = m.OptInt(f, 0)
	}
	_, _ = Encode(m.Encoding, m.Service, m.Data, m.Clock, m.Timestamp)
}

func fuzzSeeds(f *testing.F) [][]byte {
	return [][]byte{
		nil,
		{0xc1},
		{0xdf, 0xff, 0xff, 0xff, 0xff},
		envelope(f, "login", map[string]any{"user": "ana", "clock": 3, "timestamp": "2024-03-01T12:30:45.5Z"}),
		envelope(f, "message", mpMap(f, bin("from"), bin("ana"), "to", "bob", "message", "hi")),
		mpMap(f, "service", "users", "data", nil, "lamport_clock", raw{0xcb, 0x40, 0x45, 0, 0, 0, 0, 0, 0}),
		envelope(f, "users", mpMap(f, "timestamp", raw{0xd6, 0xff, 0x65, 0xe1, 0xca, 0x75})),
		[]byte(`{"service":"channel","data":{"name":"go","clock":"4","timestamp":1709296245500}}`),
		[]byte(`{"message":"hi","user":"ana","clock":1}`),
		[]byte(`[1,2,3]`),
	}
}
