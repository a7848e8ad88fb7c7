package coordination

import (
	"encoding/json"
	"math"
	"reflect"

	"zchat/internal/wire"
)

// Where the messages this package reads name things. This table is the one
// place of coordination's leniency towards other implementations (SPEC,
// interoperability): our own messages use the first key of each list.
var (
	// senderKeys name who sent a request. The standard election request
	// names nobody; ours adds "server" (and "rank").
	senderKeys = []string{"server", "user", "from", "name", "id"}
	// coordinatorKeys name the coordinator in an announcement.
	coordinatorKeys = []string{"coordinator", "leader"}
	// announceTypes mark an announcement that names its sender only
	// (the `type` variant, or an envelope of service "coordinator").
	announceTypes = map[string]bool{"coordinator": true, "leader": true}
)

// announcement is a coordinator announcement read from topic servers.
type announcement struct {
	Name  string
	Rank  int    // 0 when the announcer did not say (the standard does not)
	Clock uint64 // the announcer's Lamport clock
}

// parseAnnouncement reads the standard shape {"service": "election",
// "data": {"coordinator": name}} and, leniently, a flat map with the same
// fields, or a `type` field ("coordinator") with the name under one of
// senderKeys.
func parseAnnouncement(payload []byte) (announcement, bool) {
	m, err := wire.DecodePublication(payload)
	if err != nil {
		return announcement{}, false
	}
	name := firstString(m.Data, coordinatorKeys)
	if name == "" && (announceTypes[text(m.Data["type"])] || announceTypes[m.Service]) {
		name = firstString(m.Data, senderKeys)
	}
	return announcement{Name: name, Rank: rankOf(m.Data), Clock: m.Clock}, name != ""
}

// sender is who a request says it comes from, and its rank (0: unknown).
func sender(m wire.Message) (string, int) {
	return firstString(m.Data, senderKeys), rankOf(m.Data)
}

func rankOf(data map[string]any) int {
	r, ok := number(data["rank"])
	if !ok || r != math.Trunc(r) || math.Abs(r) > math.MaxInt32 {
		return 0
	}
	return int(r)
}

func firstString(data map[string]any, keys []string) string {
	for _, k := range keys {
		if s := text(data[k]); s != "" {
			return s
		}
	}
	return ""
}

// text reads a string sent as str or bin (Python's bytes).
func text(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	}
	return ""
}

// number reads any numeric kind a decoder produces (MessagePack yields
// int8, uint32, float32, ...; JSON a json.Number).
func number(v any) (float64, bool) {
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		return f, err == nil
	}
	r := reflect.ValueOf(v)
	switch {
	case r.CanInt():
		return float64(r.Int()), true
	case r.CanUint():
		return float64(r.Uint()), true
	case r.CanFloat():
		return r.Float(), !math.IsNaN(r.Float()) && !math.IsInf(r.Float(), 0)
	}
	return 0, false
}
