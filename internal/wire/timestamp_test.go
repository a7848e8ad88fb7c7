package wire

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// refTime is 2024-03-01T12:30:45.5Z, the instant every form below encodes.
var refTime = time.Date(2024, 3, 1, 12, 30, 45, 500_000_000, time.UTC)

const refSeconds = 1709296245.5

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestSeconds(t *testing.T) {
	tests := []struct {
		name   string
		v      any
		want   float64
		wantOK bool
	}{
		{"iso Z", "2024-03-01T12:30:45.5Z", refSeconds, true},
		{"iso javascript", "2024-03-01T12:30:45.500Z", refSeconds, true},
		{"iso python aware", "2024-03-01T12:30:45.500000+00:00", refSeconds, true},
		{"iso other zone", "2024-03-01T09:30:45.5-03:00", refSeconds, true},
		{"iso naive is UTC", "2024-03-01T12:30:45.500000", refSeconds, true},
		{"iso no fraction", "2024-03-01T12:30:45", refSeconds - 0.5, true},
		{"iso no fraction Z", "2024-03-01T12:30:45Z", refSeconds - 0.5, true},
		{"space separated naive", "2024-03-01 12:30:45.5", refSeconds, true},
		{"space separated aware", "2024-03-01 12:30:45.5+00:00", refSeconds, true},
		{"iso as bin", []byte("2024-03-01T12:30:45.5Z"), refSeconds, true},
		{"numeric string seconds", "1709296245.5", refSeconds, true},
		{"numeric string millis", "1709296245500", refSeconds, true},
		{"float seconds", refSeconds, refSeconds, true},
		{"float32 seconds", float32(1.7e9), float64(float32(1.7e9)), true},
		{"int seconds", int64(1709296245), refSeconds - 0.5, true},
		{"uint32 seconds", uint32(1709296245), refSeconds - 0.5, true},
		{"int millis", int64(1709296245500), refSeconds, true},
		{"uint64 millis", uint64(1709296245500), refSeconds, true},
		{"float millis", 1709296245500.0, refSeconds, true},
		{"json number seconds", json.Number("1709296245.5"), refSeconds, true},
		{"json number millis", json.Number("1709296245500"), refSeconds, true},
		{"time.Time", refTime, refSeconds, true},
		{"missing", nil, 0, false},
		{"empty string", "", 0, false},
		{"words", "yesterday", 0, false},
		{"NaN", math.NaN(), 0, false},
		{"Inf", math.Inf(1), 0, false},
		{"NaN string", "NaN", 0, false},
		{"bool", true, 0, false},
		{"map", map[string]any{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Seconds(tt.v)
			if ok != tt.wantOK || !near(got, tt.want) {
				t.Fatalf("Seconds(%#v) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestDecodeTimestampForms(t *testing.T) {
	forms := []struct {
		name string
		v    raw
		want float64
	}{
		{"iso str", mp(t, "2024-03-01T12:30:45.5Z"), refSeconds},
		{"iso str naive", mp(t, "2024-03-01T12:30:45.500000"), refSeconds},
		{"iso bin", bin("2024-03-01T12:30:45.500000+00:00"), refSeconds},
		{"float64 seconds", mp(t, refSeconds), refSeconds},
		{"int seconds", mp(t, int64(1709296245)), refSeconds - 0.5},
		{"uint32 seconds", raw{0xce, 0x65, 0xe1, 0xca, 0x75}, 1709296245},
		{"int millis", mp(t, int64(1709296245500)), refSeconds},
		{"msgpack timestamp ext (library)", mp(t, refTime), refSeconds},
		{"msgpack timestamp32 ext", raw{0xd6, 0xff, 0x65, 0xe1, 0xca, 0x75}, 1709296245},
		{"numeric string", mp(t, "1709296245.5"), refSeconds},
		{"unreadable", mp(t, "soon"), 0},
		{"nil", raw{0xc0}, 0},
	}
	places := []struct {
		name  string
		frame func(v raw) []byte
	}{
		{"data.timestamp", func(v raw) []byte { return envelope(t, "users", mpMap(t, "timestamp", v)) }},
		{"top-level timestamp", func(v raw) []byte { return mpMap(t, "service", "users", "data", mpMap(t), "timestamp", v) }},
	}
	for _, place := range places {
		for _, form := range forms {
			t.Run(place.name+"/"+form.name, func(t *testing.T) {
				if got := mustDecode(t, place.frame(form.v)).Timestamp; !near(got, form.want) {
					t.Fatalf("Timestamp = %v, want %v", got, form.want)
				}
			})
		}
	}
}

func TestDecodeTimestampPlaces(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  float64
	}{
		{"missing", `{"service":"users","data":{}}`, 0},
		{"json float", `{"service":"users","data":{"timestamp":1709296245.5}}`, refSeconds},
		{"json millis", `{"service":"users","data":{"timestamp":1709296245500}}`, refSeconds},
		{"json iso", `{"service":"users","data":{"timestamp":"2024-03-01T12:30:45.5Z"}}`, refSeconds},
		{"json top level", `{"service":"users","data":{},"timestamp":1709296245.5}`, refSeconds},
		{"data wins over top level", `{"service":"users","data":{"timestamp":1709296245.5},"timestamp":1}`, refSeconds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustDecode(t, []byte(tt.frame)).Timestamp; !near(got, tt.want) {
				t.Fatalf("Timestamp = %v, want %v", got, tt.want)
			}
		})
	}
}
