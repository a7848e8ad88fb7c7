package wire

import (
	"errors"
	"testing"
)

func TestStringSynonyms(t *testing.T) {
	tests := []struct {
		name    string
		service string
		data    map[string]any
		field   string
		want    string
		wantErr bool
	}{
		{"message src", "message", map[string]any{"src": "ana"}, "src", "ana", false},
		{"message from", "message", map[string]any{"from": "ana"}, "src", "ana", false},
		{"message src wins over from", "message", map[string]any{"src": "ana", "from": "bob"}, "src", "ana", false},
		{"message nil src falls back to from", "message", map[string]any{"src": nil, "from": "bob"}, "src", "bob", false},
		{"message dst", "message", map[string]any{"dst": "bob"}, "dst", "bob", false},
		{"message to", "message", map[string]any{"to": "bob"}, "dst", "bob", false},
		{"message dst wins over to", "message", map[string]any{"dst": "bob", "to": "cy"}, "dst", "bob", false},
		{"message neither", "message", map[string]any{"user": "ana"}, "src", "", true},
		{"channel channel", "channel", map[string]any{"channel": "go"}, "channel", "go", false},
		{"channel name", "channel", map[string]any{"name": "go"}, "channel", "go", false},
		{"channel channel wins over name", "channel", map[string]any{"channel": "go", "name": "rust"}, "channel", "go", false},
		{"publish has no name synonym", "publish", map[string]any{"name": "go"}, "channel", "", true},
		{"publish has no from synonym", "publish", map[string]any{"from": "ana"}, "user", "", true},
		{"login has no synonyms", "login", map[string]any{"name": "ana"}, "user", "", true},
		{"bin value", "login", map[string]any{"user": []byte("ana")}, "user", "ana", false},
		{"wrong type", "login", map[string]any{"user": 7}, "user", "", true},
		{"synonym of wrong type", "message", map[string]any{"from": 7}, "src", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Message{Service: tt.service, Data: tt.data}
			got, err := m.String(tt.field)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("String(%q) = %q, %v; want %q, error %v", tt.field, got, err, tt.want, tt.wantErr)
			}
			var fe *FieldError
			if err != nil && (!errors.As(err, &fe) || fe.Field != tt.field) {
				t.Fatalf("error %v does not name field %q", err, tt.field)
			}
		})
	}
}

// TestSynonymsThroughDecode checks the synonyms on decoded frames in both
// encodings, the way the server sees them.
func TestSynonymsThroughDecode(t *testing.T) {
	tests := []struct {
		name  string
		frame []byte
		field string
		want  string
	}{
		{"msgpack from", envelope(t, "message", map[string]any{"from": "ana", "to": "bob", "message": "hi"}), "src", "ana"},
		{"msgpack to", envelope(t, "message", map[string]any{"from": "ana", "to": "bob", "message": "hi"}), "dst", "bob"},
		{"msgpack bin from", envelope(t, "message", mpMap(t, bin("from"), bin("ana"))), "src", "ana"},
		{"json from", []byte(`{"service":"message","data":{"from":"ana","to":"bob"}}`), "src", "ana"},
		{"json to", []byte(`{"service":"message","data":{"from":"ana","to":"bob"}}`), "dst", "bob"},
		{"json name", []byte(`{"service":"channel","data":{"name":"go"}}`), "channel", "go"},
		{"json both", []byte(`{"service":"channel","data":{"name":"rust","channel":"go"}}`), "channel", "go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustDecode(t, tt.frame).String(tt.field)
			if err != nil || got != tt.want {
				t.Fatalf("String(%q) = %q, %v; want %q", tt.field, got, err, tt.want)
			}
		})
	}
}

func TestOptionalFields(t *testing.T) {
	m := Message{Service: "history", Data: map[string]any{
		"channel": "go", "limit": int64(5), "slimit": "7", "bad": "x", "num": 3,
	}}
	if s, err := m.OptString("user"); s != "" || err != nil {
		t.Errorf("OptString(absent) = %q, %v", s, err)
	}
	if s, err := m.OptString("channel"); s != "go" || err != nil {
		t.Errorf("OptString(channel) = %q, %v", s, err)
	}
	if _, err := m.OptString("num"); err == nil {
		t.Error("OptString(non-string) did not fail")
	}
	intCases := []struct {
		field   string
		want    int64
		wantErr bool
	}{{"absent", 100, false}, {"limit", 5, false}, {"slimit", 7, false}, {"bad", 0, true}}
	for _, c := range intCases {
		n, err := m.OptInt(c.field, 100)
		if n != c.want || (err != nil) != c.wantErr {
			t.Errorf("OptInt(%q) = %d, %v; want %d, error %v", c.field, n, err, c.want, c.wantErr)
		}
	}
}
