package wire

import (
	"bytes"
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

// EncodeError encodes the standard error reply, the same envelope that
// Encode makes of ErrorData(reason), without building maps: the broker
// answers each request of a flood with one, so it must cost little.
func EncodeError(enc Encoding, service, reason string, clock uint64, now float64) ([]byte, error) {
	if enc == JSON {
		return marshal(JSON, errorReply{Service: service, Clock: clock,
			Data: errorReplyData{Status: StatusError, Description: reason, Message: reason, Timestamp: now, Clock: clock}})
	}
	var buf bytes.Buffer
	buf.Grow(96 + len(service) + 2*len(reason))
	w := mpWriter{e: msgpack.NewEncoder(&buf)}
	w.mapLen(3)
	w.str("service")
	w.str(service)
	w.str("data")
	w.mapLen(5)
	for _, kv := range [][2]string{{"status", StatusError}, {"description", reason}, {"message", reason}} {
		w.str(kv[0])
		w.str(kv[1])
	}
	w.str("timestamp")
	w.do(w.e.EncodeFloat64(now))
	for range 2 { // in data, and mirrored at the top level
		w.str("clock")
		w.do(w.e.EncodeUint(clock))
	}
	if w.err != nil {
		return nil, fmt.Errorf("encode: %w", w.err)
	}
	return buf.Bytes(), nil
}

// mpWriter keeps the first error of a sequence of encoder calls.
type mpWriter struct {
	e   *msgpack.Encoder
	err error
}

func (w *mpWriter) do(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *mpWriter) str(s string) { w.do(w.e.EncodeString(s)) }
func (w *mpWriter) mapLen(n int) { w.do(w.e.EncodeMapLen(n)) }

// errorReply is EncodeError's JSON shape.
type errorReply struct {
	Service string         `json:"service"`
	Data    errorReplyData `json:"data"`
	Clock   uint64         `json:"clock"`
}

type errorReplyData struct {
	Status      string  `json:"status"`
	Description string  `json:"description"`
	Message     string  `json:"message"`
	Timestamp   float64 `json:"timestamp"`
	Clock       uint64  `json:"clock"`
}
