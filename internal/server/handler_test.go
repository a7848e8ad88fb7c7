package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"zchat"
	"zchat/internal/clock"
	"zchat/internal/store"
	"zchat/internal/wire"
)

func newHandler(t *testing.T) *Handler {
	t.Helper()
	st, err := store.Open(t.TempDir(), "t1", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &Handler{
		Name: "t1", Store: st, Lamport: &clock.Lamport{}, Physical: clock.NewPhysical(0, nil),
		Limits: zchat.DefaultLimits, Log: slog.Default(),
	}
}

func request(t *testing.T, service string, data map[string]any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(map[string]any{"service": service, "data": data})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// call handles one request of an open caller and decodes its reply.
func call(t *testing.T, h *Handler, frame []byte) (wire.Message, *Publication) {
	t.Helper()
	return callAs(t, h, Caller{}, frame)
}

// callAs handles one request of caller and decodes its reply.
func callAs(t *testing.T, h *Handler, caller Caller, frame []byte) (wire.Message, *Publication) {
	t.Helper()
	out := h.Handle(context.Background(), caller, frame)
	m, err := wire.Decode(out.Reply, 0)
	if err != nil {
		t.Fatalf("reply does not decode: %v", err)
	}
	return m, out.Publication
}

func TestServices(t *testing.T) {
	h := newHandler(t)
	long := strings.Repeat("x", 65)
	steps := []struct {
		service string
		data    map[string]any
		status  string
		errPart string
		pub     string // expected publication topic, "" for none
	}{
		{"login", map[string]any{"user": "ana"}, "sucesso", "", ""},
		{"login", map[string]any{"user": "ana"}, "sucesso", "", ""},
		{"login", map[string]any{"user": "bob"}, "sucesso", "", ""},
		{"login", map[string]any{"user": "bad name"}, "erro", "whitespace", ""},
		{"login", map[string]any{"user": long}, "erro", "longer than 64", ""},
		{"login", map[string]any{}, "erro", `"user" is missing`, ""},
		{"login", map[string]any{"user": 42}, "erro", "must be a string", ""},
		{"channel", map[string]any{"channel": "geral"}, "sucesso", "", ""},
		{"channel", map[string]any{"channel": "geral"}, "erro", "already exists", ""},
		{"channel", map[string]any{"name": "dev"}, "sucesso", "", ""},
		{"publish", map[string]any{"user": "ana", "channel": "geral", "message": "oi"}, "OK", "", "geral"},
		{"publish", map[string]any{"user": "ana", "channel": "nope", "message": "oi"}, "erro", "does not exist", ""},
		{"publish", map[string]any{"user": "ana", "channel": "geral", "message": ""}, "erro", "empty", ""},
		{"publish", map[string]any{"user": "ana", "channel": "geral", "message": strings.Repeat("m", 4097)}, "erro", "longer than 4096", ""},
		{"message", map[string]any{"src": "ana", "dst": "bob", "message": "psst"}, "OK", "", "bob"},
		{"message", map[string]any{"from": "bob", "to": "ana", "message": "hi"}, "OK", "", "ana"},
		{"message", map[string]any{"src": "ana", "dst": "zed", "message": "psst"}, "erro", "user does not exist", ""},
		{"history", map[string]any{}, "erro", "exactly one", ""},
		{"nosuch", map[string]any{}, "erro", "unknown service", ""},
	}
	for i, s := range steps {
		m, pub := call(t, h, request(t, s.service, s.data))
		status, _ := m.String("status")
		desc, _ := m.OptString("description")
		if status != s.status || !strings.Contains(desc, s.errPart) {
			t.Errorf("step %d %s %v: got status %q description %q, want %q containing %q", i, s.service, s.data, status, desc, s.status, s.errPart)
		}
		if got := topic(pub); got != s.pub {
			t.Errorf("step %d: publication topic %q, want %q", i, got, s.pub)
		}
		if m.Data["server"] != "t1" || m.Data["timestamp"] == nil || m.Clock == 0 {
			t.Errorf("step %d: reply lacks server/timestamp/clock: %v", i, m.Data)
		}
	}
}

func topic(p *Publication) string {
	if p == nil {
		return ""
	}
	return p.Topic
}

func TestListsAndHistory(t *testing.T) {
	h := newHandler(t)
	call(t, h, request(t, "login", map[string]any{"user": "ana"}))
	call(t, h, request(t, "channel", map[string]any{"channel": "geral"}))
	for _, text := range []string{"one", "two", "three"} {
		call(t, h, request(t, "publish", map[string]any{"user": "ana", "channel": "geral", "message": text}))
	}
	m, _ := call(t, h, request(t, "channels", nil))
	if len(m.Data["channels"].([]any)) != 1 || len(m.Data["users"].([]any)) != 1 {
		t.Errorf("channels reply: %v", m.Data)
	}
	m, _ = call(t, h, request(t, "history", map[string]any{"channel": "geral", "limit": 2}))
	msgs := m.Data["messages"].([]any)
	if len(msgs) != 2 || msgs[1].(map[string]any)["message"] != "three" {
		t.Errorf("history: %v", msgs)
	}
}

func TestRetriedRequestPublishesOnce(t *testing.T) {
	h := newHandler(t)
	call(t, h, request(t, "channel", map[string]any{"channel": "geral"}))
	req := request(t, "publish", map[string]any{"user": "ana", "channel": "geral", "message": "x", "request_id": "r1"})
	first, pub1 := call(t, h, req)
	second, pub2 := call(t, h, req)
	if pub1 == nil || pub2 != nil || first.Data["id"] != second.Data["id"] {
		t.Errorf("retry: pubs %v %v ids %v %v", pub1, pub2, first.Data["id"], second.Data["id"])
	}
}

func TestGarbageAndJSON(t *testing.T) {
	h := newHandler(t)
	for _, frame := range [][]byte{nil, []byte("\xc1\xff"), []byte("{not json"), {0x93, 1, 2, 3}, []byte(strings.Repeat("a", 70000))} {
		m, _ := call(t, h, frame)
		if s, _ := m.String("status"); s != "erro" {
			t.Errorf("frame %q: status %q", frame[:min(len(frame), 10)], s)
		}
	}
	out := h.Handle(context.Background(), Caller{}, []byte(`{"service":"login","data":{"user":"ana","timestamp":"2024-01-02T03:04:05Z"},"clock":7}`))
	if !strings.HasPrefix(string(out.Reply), "{") || !strings.Contains(string(out.Reply), `"sucesso"`) {
		t.Errorf("JSON request got %q", out.Reply)
	}
	if h.Lamport.Now() <= 7 {
		t.Errorf("Lamport clock %d did not merge the request's 7", h.Lamport.Now())
	}
}

// An unexpected error reaches the client only as a reference; the error
// log line carries the same reference beside the full error.
func TestInternalErrorAnswersWithReference(t *testing.T) {
	var logged bytes.Buffer
	h := &Handler{Log: slog.New(slog.NewTextHandler(&logged, nil))}
	secret := errors.New("store: pwrite /var/lib/zchat/s1/events.db: input/output error")
	data := h.failure(secret)
	desc, _ := data["description"].(string)
	m := regexp.MustCompile(`^internal error \(ref ([0-9a-f]{8})\)$`).FindStringSubmatch(desc)
	if m == nil {
		t.Fatalf("description %q: want internal error (ref xxxxxxxx)", desc)
	}
	if data["message"] != desc || data["status"] != wire.StatusError {
		t.Errorf("reply data %v: want status erro and the text in message too", data)
	}
	line := logged.String()
	if !strings.Contains(line, "ref="+m[1]) || !strings.Contains(line, "input/output error") {
		t.Errorf("log line %q lacks the reference %s or the error", line, m[1])
	}
	if again, _ := h.failure(secret)["description"].(string); again == desc {
		t.Errorf("two failures share the reference %q", desc)
	}
}
