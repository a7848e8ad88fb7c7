package wire

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeEncodings(t *testing.T) {
	tests := []struct {
		name    string
		frame   []byte
		wantEnc Encoding
	}{
		{"msgpack str", envelope(t, "login", map[string]any{"user": "alice"}), MsgPack},
		{"msgpack bin keys and values", mpMap(t, bin("service"), bin("login"), bin("data"), mpMap(t, bin("user"), bin("alice"))), MsgPack},
		{"msgpack bin values only", envelope(t, "login", mpMap(t, "user", bin("alice"))), MsgPack},
		{"msgpack map16 header", append(raw{0xde, 0, 2}, mpMap(t, "service", "login", "data", map[string]any{"user": "alice"})[1:]...), MsgPack},
		{"json", []byte(`{"service":"login","data":{"user":"alice"}}`), JSON},
		{"json leading whitespace", []byte(" \r\n\t{\"service\":\"login\",\"data\":{\"user\":\"alice\"}}"), JSON},
		{"json trailing newline", []byte("{\"service\":\"login\",\"data\":{\"user\":\"alice\"}}\n"), JSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustDecode(t, tt.frame)
			if m.Service != "login" || m.Encoding != tt.wantEnc {
				t.Fatalf("got service %q encoding %d, want login %d", m.Service, m.Encoding, tt.wantEnc)
			}
			if u, err := m.String("user"); err != nil || u != "alice" {
				t.Fatalf("user = %q, %v; want alice", u, err)
			}
		})
	}
}

func TestDecodeData(t *testing.T) {
	tests := []struct {
		name  string
		frame []byte
	}{
		{"data missing", mpMap(t, "service", "users")},
		{"data nil", mpMap(t, "service", "users", "data", nil)},
		{"data empty", envelope(t, "users", map[string]any{})},
		{"json data null", []byte(`{"service":"users","data":null}`)},
		{"json data missing", []byte(`{"service":"users"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustDecode(t, tt.frame)
			if m.Service != "users" || m.Data == nil || len(m.Data) != 0 {
				t.Fatalf("got %+v, want service users with empty non-nil data", m)
			}
		})
	}
}

func TestDecodeGarbage(t *testing.T) {
	valid := envelope(t, "login", map[string]any{"user": "alice"})
	tests := []struct {
		name        string
		frame       []byte
		wantErr     string
		wantEnc     Encoding
		wantService string
	}{
		{"nil", nil, "malformed MessagePack", MsgPack, ""},
		{"empty", []byte{}, "malformed MessagePack", MsgPack, ""},
		{"never-used byte", []byte{0xc1}, "malformed MessagePack", MsgPack, ""},
		{"text", []byte("hello"), "top level", MsgPack, ""},
		{"truncated msgpack", valid[:len(valid)-3], "malformed MessagePack", MsgPack, ""},
		{"truncated json", []byte(`{"service":"lo`), "malformed JSON", JSON, ""},
		{"json not closed", []byte(`{`), "malformed JSON", JSON, ""},
		{"top-level array", mp(t, []any{"login"}), "top level", MsgPack, ""},
		{"top-level string", mp(t, "login"), "top level", MsgPack, ""},
		{"top-level int", mp(t, 7), "top level", MsgPack, ""},
		{"top-level nil", mp(t, nil), "top level", MsgPack, ""},
		{"json array", []byte(`["login"]`), "top level", MsgPack, ""},
		{"int map key", raw{0x81, 0x01, 0x02}, "map key", MsgPack, ""},
		{"missing service", mpMap(t, "data", map[string]any{"user": "a"}), "service", MsgPack, ""},
		{"empty service", envelope(t, "", map[string]any{}), "service", MsgPack, ""},
		{"service not a string", mpMap(t, "service", 3), "service", MsgPack, ""},
		{"service nil", mpMap(t, "service", nil), "service", MsgPack, ""},
		{"json missing service", []byte(`{"data":{}}`), "service", JSON, ""},
		{"data is a string", envelope(t, "login", "alice"), "not a map", MsgPack, "login"},
		{"data is a list", envelope(t, "login", []any{"alice"}), "not a map", MsgPack, "login"},
		{"data is an int", envelope(t, "login", 1), "not a map", MsgPack, "login"},
		{"json data is a list", []byte(`{"service":"login","data":[1]}`), "not a map", JSON, "login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.frame, 1024)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
			}
			if m.Encoding != tt.wantEnc || m.Service != tt.wantService {
				t.Fatalf("got encoding %d service %q, want %d %q", m.Encoding, m.Service, tt.wantEnc, tt.wantService)
			}
		})
	}
}

// TestDecodeEveryPrefix checks that no truncation of a valid frame decodes.
func TestDecodeEveryPrefix(t *testing.T) {
	frames := map[string][]byte{
		"msgpack": envelope(t, "publish", map[string]any{"user": "a", "channel": "c", "message": "hi", "clock": 3}),
		"json":    []byte(`{"service":"publish","data":{"user":"a","channel":"c","message":"hi","clock":3}}`),
	}
	for name, frame := range frames {
		for n := range len(frame) {
			if _, err := Decode(frame[:n], 0); err == nil {
				t.Errorf("%s: prefix of %d/%d bytes decoded without error", name, n, len(frame))
			}
		}
	}
}

func TestDecodeFrameLimit(t *testing.T) {
	frame := envelope(t, "login", map[string]any{"user": "alice"})
	jsonFrame := []byte(`{"service":"login","data":{"user":"alice"}}`)
	tests := []struct {
		name    string
		frame   []byte
		limit   int
		tooBig  bool
		wantEnc Encoding
	}{
		{"no limit", frame, 0, false, MsgPack},
		{"negative limit means none", frame, -1, false, MsgPack},
		{"exactly the limit", frame, len(frame), false, MsgPack},
		{"one byte over", frame, len(frame) - 1, true, MsgPack},
		{"far over", frame, 1, true, MsgPack},
		{"json over keeps encoding", jsonFrame, 10, true, JSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.frame, tt.limit)
			if got := errors.Is(err, ErrTooLarge); got != tt.tooBig {
				t.Fatalf("errors.Is(ErrTooLarge) = %v (err %v), want %v", got, err, tt.tooBig)
			}
			if !tt.tooBig && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if m.Encoding != tt.wantEnc {
				t.Fatalf("encoding %d, want %d", m.Encoding, tt.wantEnc)
			}
		})
	}
}
