package wire

import (
	"bytes"
	"fmt"
	"testing"
)

func TestEncodeShape(t *testing.T) {
	for _, enc := range []Encoding{MsgPack, JSON} {
		t.Run(map[Encoding]string{MsgPack: "msgpack", JSON: "json"}[enc], func(t *testing.T) {
			b, err := Encode(enc, "login", map[string]any{"status": StatusSuccess}, 17, refSeconds)
			if err != nil {
				t.Fatal(err)
			}
			if isJSON := bytes.HasPrefix(b, []byte("{")); isJSON != (enc == JSON) {
				t.Fatalf("JSON-looking output = %v for encoding %d: %q", isJSON, enc, b)
			}
			top := unpack(t, enc, b)
			data, _ := top["data"].(map[string]any)
			if top["service"] != "login" || data == nil || data["status"] != StatusSuccess {
				t.Fatalf("bad envelope: %#v", top)
			}
			if ts, ok := data["timestamp"].(float64); !ok || !near(ts, refSeconds) {
				t.Fatalf("data.timestamp = %#v, want float %v", data["timestamp"], refSeconds)
			}
			for where, v := range map[string]any{"data.clock": data["clock"], "clock": top["clock"]} {
				if n, ok := AsInt(v); !ok || n != 17 {
					t.Fatalf("%s = %#v, want 17", where, v)
				}
			}
		})
	}
}

// TestEncodeTimestampIsFloat checks the wire type, not just the value: an
// integral instant must still go out as a MessagePack float64.
func TestEncodeTimestampIsFloat(t *testing.T) {
	b, err := Encode(MsgPack, "users", map[string]any{}, 1, 1709296245)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte{0xa9}, "timestamp"...)
	i := bytes.Index(b, want)
	if i < 0 || b[i+len(want)] != 0xcb {
		t.Fatalf("timestamp not followed by a float64 marker in %x", b)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, enc := range []Encoding{MsgPack, JSON} {
		b, err := Encode(enc, "publish", map[string]any{"user": "ana", "channel": "go", "message": "hi"}, 99, refSeconds)
		if err != nil {
			t.Fatal(err)
		}
		m := mustDecode(t, b)
		if m.Encoding != enc || m.Service != "publish" || m.Clock != 99 || !near(m.Timestamp, refSeconds) {
			t.Fatalf("round trip (%d) = %+v", enc, m)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, enc := range []Encoding{MsgPack, JSON} {
		if _, err := Encode(enc, "x", map[string]any{"bad": make(chan int)}, 1, 1); err == nil {
			t.Errorf("encoding %d: a channel value encoded without error", enc)
		}
	}
}

func TestErrorData(t *testing.T) {
	d := ErrorData("channel does not exist")
	if d["status"] != StatusError || d["message"] != "channel does not exist" || d["description"] != "channel does not exist" {
		t.Fatalf("ErrorData = %#v", d)
	}
	b, err := Encode(MsgPack, "publish", d, 3, refSeconds)
	if err != nil {
		t.Fatal(err)
	}
	data := unpack(t, MsgPack, b)["data"].(map[string]any)
	if data["status"] != "erro" || data["message"] != data["description"] || data["message"] == nil {
		t.Fatalf("encoded error data = %#v", data)
	}
}

func TestEncodePublication(t *testing.T) {
	payload := map[string]any{"user": "ana", "channel": "go", "message": "hi", "id": "s1:1"}
	b, err := EncodePublication(payload, 12, refSeconds)
	if err != nil {
		t.Fatal(err)
	}
	got := unpack(t, MsgPack, b)
	if _, enveloped := got["service"]; enveloped {
		t.Fatalf("publication is enveloped: %#v", got)
	}
	for _, k := range []string{"user", "channel", "message", "id"} {
		if got[k] != payload[k] {
			t.Errorf("%s = %#v, want %#v", k, got[k], payload[k])
		}
	}
	if ts, ok := got["timestamp"].(float64); !ok || !near(ts, refSeconds) {
		t.Errorf("timestamp = %#v", got["timestamp"])
	}
	if n, ok := AsInt(got["clock"]); !ok || n != 12 {
		t.Errorf("clock = %#v", got["clock"])
	}
}

// EncodeError writes what Encode makes of ErrorData, in both encodings.
func TestEncodeErrorMatchesEncode(t *testing.T) {
	for _, enc := range []Encoding{MsgPack, JSON} {
		fast, err := EncodeError(enc, "publish", `rate limited, "retry" after 3 ms`, 42, 1.7e9+0.25)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := Encode(enc, "publish", ErrorData(`rate limited, "retry" after 3 ms`), 42, 1.7e9+0.25)
		if err != nil {
			t.Fatal(err)
		}
		got, want := unpack(t, enc, fast), unpack(t, enc, slow)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("encoding %v:\n got %v\nwant %v", enc, got, want)
		}
		if m := mustDecode(t, fast); m.Encoding != enc || m.Clock != 42 {
			t.Errorf("encoding %v: decoded as %v with clock %d", enc, m.Encoding, m.Clock)
		}
	}
}
