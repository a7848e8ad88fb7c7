package clienttest

import (
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/wire"
)

// VariantReply answers like other implementations of the protocol do: ISO
// timestamps, the clock (500) only at the top level, "sucesso" for
// publish, errors only in "description", the channel list only under
// "users". Users are ana and bob, channels geral and dev; only channel
// "novo" can be created.
func VariantReply(t testing.TB, req wire.Message) []byte {
	data := map[string]any{"timestamp": "2024-05-01T12:00:00.123456"}
	switch req.Service {
	case "login", "publish":
		data["status"] = "sucesso"
	case "users":
		data["users"] = []any{"ana", "bob"}
	case "channels":
		data["users"] = []any{"geral", "dev"}
	case "channel":
		data["status"], data["description"] = "erro", "Canal já existe"
		if req.Data["channel"] == "novo" {
			data = map[string]any{"status": "sucesso"}
		}
	case "message":
		data["status"], data["description"] = "erro", "Usuário não existe"
		if req.Data["dst"] == "bob" {
			data = map[string]any{"status": "OK"}
		}
	}
	b, err := msgpack.Marshal(map[string]any{"service": req.Service, "data": data, "clock": 500})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
