package wire

import "testing"

func TestDecodePublication(t *testing.T) {
	fields := map[string]any{"user": "ana", "channel": "go", "message": "hi", "clock": 7, "timestamp": refSeconds}
	tests := []struct {
		name        string
		frame       []byte
		wantService string
		wantEnc     Encoding
	}{
		{"flat msgpack", mp(t, fields), "", MsgPack},
		{"enveloped msgpack", envelope(t, "publish", fields), "publish", MsgPack},
		{"flat json", js(t, fields), "", JSON},
		{"enveloped json", js(t, map[string]any{"service": "publish", "data": fields}), "publish", JSON},
		{"bin keys", mpMap(t, bin("user"), bin("ana"), bin("channel"), bin("go"), bin("message"), bin("hi"), bin("clock"), 7, bin("timestamp"), refSeconds), "", MsgPack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodePublication(tt.frame)
			if err != nil {
				t.Fatal(err)
			}
			if m.Service != tt.wantService || m.Encoding != tt.wantEnc {
				t.Fatalf("service %q encoding %d; want %q %d", m.Service, m.Encoding, tt.wantService, tt.wantEnc)
			}
			for _, k := range []string{"user", "channel", "message"} {
				if s, err := m.String(k); err != nil || s != fields[k] {
					t.Errorf("%s = %q, %v", k, s, err)
				}
			}
			if m.Clock != 7 || !near(m.Timestamp, refSeconds) {
				t.Errorf("clock %d timestamp %v", m.Clock, m.Timestamp)
			}
		})
	}
}

func TestDecodePublicationClockAtTop(t *testing.T) {
	m, err := DecodePublication(mpMap(t, "service", "publish", "data", map[string]any{"message": "hi"}, "clock", 9))
	if err != nil || m.Clock != 9 {
		t.Fatalf("clock %d, err %v; want 9", m.Clock, err)
	}
}

func TestDecodePublicationGarbage(t *testing.T) {
	for name, frame := range map[string][]byte{
		"empty":     nil,
		"array":     mp(t, []any{"go", "hi"}),
		"truncated": mp(t, map[string]any{"message": "hello"})[:5],
		"bad json":  []byte(`{"message"`),
		"string":    mp(t, "hi"),
	} {
		if _, err := DecodePublication(frame); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}
