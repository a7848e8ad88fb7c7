package client

import (
	"errors"
	"slices"
	"testing"
)

func TestStatusError(t *testing.T) {
	cases := []struct {
		name     string
		data     map[string]any
		wantErr  bool
		wantDesc string
	}{
		{"sucesso", map[string]any{"status": "sucesso"}, false, ""},
		{"OK", map[string]any{"status": "OK"}, false, ""},
		{"ok lower case", map[string]any{"status": "ok"}, false, ""},
		{"success", map[string]any{"status": "success"}, false, ""},
		{"status as bin", map[string]any{"status": []byte("sucesso")}, false, ""},
		{"no status (users reply)", map[string]any{"users": []any{"ana"}}, false, ""},
		{"erro with description", map[string]any{"status": "erro", "description": "no such user"}, true, "no such user"},
		{"erro with message only", map[string]any{"status": "erro", "message": "channel does not exist"}, true, "channel does not exist"},
		{"description wins over message", map[string]any{"status": "erro", "description": "d", "message": "m"}, true, "d"},
		{"error key", map[string]any{"status": "error", "error": "boom"}, true, "boom"},
		{"error key without status", map[string]any{"error": "boom"}, true, "boom"},
		{"erro without text", map[string]any{"status": "erro"}, true, `request failed (status "erro")`},
		{"unknown status", map[string]any{"status": "falha", "reason": "r"}, true, "r"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := statusError("publish", c.data)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			var re *ReplyError
			if c.wantErr && (!errors.As(err, &re) || re.Description != c.wantDesc || re.Service != "publish") {
				t.Fatalf("err = %#v, want description %q", err, c.wantDesc)
			}
		})
	}
}

func TestReplyList(t *testing.T) {
	cases := []struct {
		name    string
		service string
		data    map[string]any
		want    []string
		wantErr bool
	}{
		{"users", "users", map[string]any{"users": []any{"ana", "bob"}}, []string{"ana", "bob"}, false},
		{"channels under channels", "channels", map[string]any{"channels": []any{"geral"}}, []string{"geral"}, false},
		{"channels only under users", "channels", map[string]any{"users": []any{"geral"}}, []string{"geral"}, false},
		{"channels key wins", "channels", map[string]any{"channels": []any{"a"}, "users": []any{"b"}}, []string{"a"}, false},
		{"bin names", "users", map[string]any{"users": []any{[]byte("ana")}}, []string{"ana"}, false},
		{"string slice", "users", map[string]any{"users": []string{"ana"}}, []string{"ana"}, false},
		{"maps with name", "channels", map[string]any{"channels": []any{map[string]any{"name": "geral"}}}, []string{"geral"}, false},
		{"empty list", "users", map[string]any{"users": []any{}}, []string{}, false},
		{"missing", "users", map[string]any{"status": "OK"}, nil, true},
		{"not a list", "users", map[string]any{"users": "ana"}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := replyList(c.service, c.data)
			if (err != nil) != c.wantErr || !slices.Equal(got, c.want) {
				t.Fatalf("got %q, %v; want %q (error %v)", got, err, c.want, c.wantErr)
			}
		})
	}
}
