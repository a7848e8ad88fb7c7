package survey

import (
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

// str, integer and float read values leniently, zero when unreadable.
func str(v any) string {
	s, _ := wire.AsString(v)
	return s
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

func integer(v any) int64 { return int64(float(v)) }

func float(v any) float64 {
	f, _ := wire.AsFloat(v)
	return f
}
