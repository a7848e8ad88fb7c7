package wire

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// AsString reads a string leniently: MessagePack str and bin alike (Python
// sends bytes as bin). Every package reads foreign values through these
// functions, so the leniency rules live in one place.
func AsString(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case []byte:
		return string(s), true
	}
	return "", false
}

// AsInt accepts every integer kind a decoder may produce, integral floats and
// numeric strings: peers differ, and a clock that fails to parse is a clock
// that never merges.
func AsInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint:
		return int64(n), true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		if n > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	case float32:
		return floatToInt(float64(n))
	case float64:
		return floatToInt(n)
	case json.Number:
		return AsInt(string(n))
	case string:
		if i, err := strconv.ParseInt(n, 10, 64); err == nil {
			return i, true
		}
		if f, err := strconv.ParseFloat(n, 64); err == nil {
			return floatToInt(f)
		}
	}
	return 0, false
}

func floatToInt(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// AsFloat reads any number (or numeric string) as a float64.
func AsFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float32:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	if i, ok := AsInt(v); ok {
		return float64(i), true
	}
	return 0, false
}

// millisThreshold separates integer seconds from integer milliseconds: no
// chat message was sent before 1973 or after 33658 AD in either unit.
const millisThreshold = 1e11

// Seconds reads a timestamp in any form seen in the wild (ISO-8601 string,
// float or integer seconds, integer milliseconds, time.Time) as float
// seconds since the epoch. ok is false when v is missing or unreadable.
func Seconds(v any) (float64, bool) {
	switch t := v.(type) {
	case nil:
		return 0, false
	case time.Time:
		return float64(t.UnixNano()) / 1e9, true
	case string:
		return parseTimeString(t)
	case []byte:
		return parseTimeString(string(t))
	}
	f, ok := AsFloat(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	if math.Abs(f) >= millisThreshold {
		f /= 1000
	}
	return f, true
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

func parseTimeString(s string) (float64, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return float64(t.UnixNano()) / 1e9, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return Seconds(f)
	}
	return 0, false
}
