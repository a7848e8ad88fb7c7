package conformance

import (
	"encoding/json"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/wire"
)

// Clock placements seen in the wild.
const (
	clockInData     = "data"
	clockTopLevel   = "top"
	clockLamportKey = "lamport_clock"
	clockMissing    = "missing"
)

// request is one request to build by hand, with the variant under test.
type request struct {
	service   string
	data      map[string]any
	enc       wire.Encoding
	clock     string // one of the clock placements; "" means data
	timestamp any    // nil means float seconds now; noTimestamp omits it
	binary    bool   // strings as MessagePack bin, as Python bytes
}

// noTimestamp asks for a request without a timestamp.
var noTimestamp = struct{}{}

func nowSeconds() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// envelope returns the request's map with clock set to n.
func (r request) envelope(n uint64) map[string]any {
	data := map[string]any{}
	for k, v := range r.data {
		data[k] = r.str(v)
	}
	switch r.timestamp {
	case nil:
		data["timestamp"] = nowSeconds()
	case noTimestamp:
	default:
		data["timestamp"] = r.timestamp
	}
	env := map[string]any{"service": r.service, "data": data}
	switch r.clock {
	case "", clockInData:
		data["clock"] = n
	case clockTopLevel:
		env["clock"] = n
	case clockLamportKey:
		env["lamport_clock"] = n
	}
	return env
}

func (r request) str(v any) any {
	if s, ok := v.(string); ok && r.binary {
		return []byte(s)
	}
	return v
}

func (r request) sendsClock() bool { return r.clock != clockMissing }

func (r request) frame(n uint64) ([]byte, error) {
	env := r.envelope(n)
	if r.enc == wire.JSON {
		return json.Marshal(env)
	}
	return msgpack.Marshal(env)
}
