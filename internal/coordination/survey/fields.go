package survey

import (
	"reflect"

	"zchat/internal/wire"
)

// read copies the status fields into s; missing fields stay zero.
func (s *Server) read(m wire.Message) {
	d := m.Data
	s.Name = first(str(d["server"]), s.Name)
	s.Rank = int(first(integer(d["rank"]), int64(s.Rank)))
	s.Coordinator, s.State = str(d["coordinator"]), str(d["state"])
	s.Time, s.Offset, s.Skew, s.Pending = float(d["time"]), float(d["offset"]), float(d["skew"]), float(d["pending"])
	s.Clock = m.Clock
	s.Peers = stringList(d["peers"])
	s.Uptime, s.Events, s.Elections = float(d["uptime"]), integer(d["events"]), integer(d["elections"])
}

func first[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, val := range m {
			out[str(k)] = val
		}
		return out, true
	}
	return nil, false
}

func str(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	}
	return ""
}

func stringList(v any) []string {
	items, _ := v.([]any)
	out := []string{}
	for _, item := range items {
		if s := str(item); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// integer and float read any numeric kind a MessagePack decoder produces.
func integer(v any) int64 { return int64(float(v)) }

func float(v any) float64 {
	r := reflect.ValueOf(v)
	switch {
	case r.CanInt():
		return float64(r.Int())
	case r.CanUint():
		return float64(r.Uint())
	case r.CanFloat():
		return r.Float()
	}
	return 0
}
