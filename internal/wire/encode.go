package wire

import (
	"encoding/json"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// Status values of the standard. Login and channel creation answer
// "sucesso"; publish and message answer "OK"; failures answer "erro".
const (
	StatusSuccess = "sucesso"
	StatusOK      = "OK"
	StatusError   = "erro"
)

// Encode builds an envelope for service with data, stamping the standard
// timestamp (float seconds) and Lamport clock into data and mirroring the
// clock at the top level, where some readers look for it. data is modified.
func Encode(enc Encoding, service string, data map[string]any, clock uint64, now float64) ([]byte, error) {
	data["timestamp"] = now
	data["clock"] = clock
	env := map[string]any{"service": service, "data": data, "clock": clock}
	return marshal(enc, env)
}

// ErrorData is the standard error shape: status "erro" with the reason in
// both "description" (login, channel) and "message" (publish, message).
func ErrorData(reason string) map[string]any {
	return map[string]any{"status": StatusError, "description": reason, "message": reason}
}

// EncodePublication encodes the payload frame of a publication: a flat
// MessagePack map, stamped like an envelope's data.
func EncodePublication(payload map[string]any, clock uint64, now float64) ([]byte, error) {
	payload["timestamp"] = now
	payload["clock"] = clock
	return marshal(MsgPack, payload)
}

func marshal(enc Encoding, v any) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	if enc == JSON {
		b, err = json.Marshal(v)
	} else {
		b, err = msgpack.Marshal(v)
	}
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return b, nil
}
