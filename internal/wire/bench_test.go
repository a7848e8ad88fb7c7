package wire

import (
	"strings"
	"testing"
)

// The micro-benchmarks of the codec: what a server does for every publish
// (decode the request, read its fields, encode the reply and the
// publication). Names are stable for benchstat, e.g.
//
//	go test -run '^$' -bench . -count 10 ./internal/wire > new.txt
//	benchstat old.txt new.txt

var benchText = strings.Repeat("x", 200)

// benchPublish is a typical publish request as a client sends it.
func benchPublish(b *testing.B, enc Encoding) []byte {
	data := map[string]any{"user": "ana", "channel": "geral", "message": benchText, "request_id": "ana-42"}
	frame, err := Encode(enc, "publish", data, 42, 1764000000.123)
	if err != nil {
		b.Fatal(err)
	}
	return frame
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct {
		name string
		enc  Encoding
	}{{"publish=msgpack", MsgPack}, {"publish=json", JSON}} {
		frame := benchPublish(b, c.enc)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				m, err := Decode(frame, 65536)
				if err != nil || m.Service != "publish" {
					b.Fatal(m, err)
				}
			}
		})
	}
}

// BenchmarkDecodeFields is Decode plus reading the fields a publish needs.
func BenchmarkDecodeFields(b *testing.B) {
	frame := benchPublish(b, MsgPack)
	b.ReportAllocs()
	for b.Loop() {
		m, err := Decode(frame, 65536)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range []string{"user", "channel", "message"} {
			if _, err := m.String(f); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := m.OptString("request_id"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	b.Run("reply=publish", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data := map[string]any{"status": StatusOK, "id": "s1.0a1b2c3d:12345", "server": "s1"}
			if _, err := Encode(MsgPack, "publish", data, 42, 1764000000.123); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("request=publish", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data := map[string]any{"user": "ana", "channel": "geral", "message": benchText, "request_id": "ana-42"}
			if _, err := Encode(MsgPack, "publish", data, 42, 1764000000.123); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("publication=post", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := map[string]any{"id": "s1.0a1b2c3d:12345", "message": benchText, "user": "ana", "channel": "geral"}
			if _, err := EncodePublication(p, 42, 1764000000.123); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodePublication(b *testing.B) {
	frame, err := EncodePublication(map[string]any{"id": "s1.0a1b2c3d:1", "message": benchText, "user": "ana", "channel": "geral"}, 42, 1764000000.123)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePublication(frame); err != nil {
			b.Fatal(err)
		}
	}
}
