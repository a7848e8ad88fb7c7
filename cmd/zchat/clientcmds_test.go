package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"zchat"
	"zchat/internal/client/clienttest"
	"zchat/internal/wire"
)

// chatReply answers like a small server: users ana and bob, channel geral.
func chatReply(t *testing.T, req wire.Message) []byte {
	data := map[string]any{"status": "OK", "server": "s1"}
	switch req.Service {
	case "login", "channel":
		data["status"] = "sucesso"
	case "users":
		data["users"] = []any{"ana", "bob"}
	case "channels":
		data["channels"], data["users"] = []any{"geral"}, []any{"geral"}
	case "publish":
		data["id"] = "s1:1"
	case "message":
		data = wire.ErrorData("user does not exist")
	case "history":
		data["messages"] = []any{map[string]any{"id": "s1:1", "user": "ana", "channel": "geral", "message": "hello", "clock": 42, "timestamp": 1.7e9}}
	}
	return clienttest.Reply(t, req.Service, data)
}

type runner interface {
	Run(context.Context, *Globals) error
}

func TestClientCommands(t *testing.T) {
	srv := clienttest.StartServer(t, func(_ int, req wire.Message) []byte { return chatReply(t, req) })
	flags := func(js bool) ClientFlags {
		return ClientFlags{Broker: srv.Endpoint, Open: true, Timeout: time.Second, Retries: 1, JSON: js}
	}
	cases := []struct {
		name    string
		cmd     func(ClientFlags) runner
		human   string
		json    string
		wantErr bool
	}{
		{"login", func(f ClientFlags) runner { return &LoginCmd{ClientFlags: f, User: "ana"} },
			"logged in as ana\n", `{"status":"ok","user":"ana"}`, false},
		{"users", func(f ClientFlags) runner { return &UsersCmd{f} }, "ana\nbob\n", `{"users":["ana","bob"]}`, false},
		{"channels", func(f ClientFlags) runner { return &ChannelsCmd{f} }, "geral\n", `{"channels":["geral"]}`, false},
		{"create", func(f ClientFlags) runner { return &CreateCmd{ClientFlags: f, Channel: "geral", As: "ana"} },
			"channel geral created\n", `{"channel":"geral","status":"ok"}`, false},
		{"post", func(f ClientFlags) runner {
			return &PostCmd{ClientFlags: f, Channel: "geral", Text: []string{"hello", "all"}, As: "ana"}
		}, "posted to #geral (id s1:1, clock 100, server s1)\n", `{"id":"s1:1","server":"s1","clock":100}`, false},
		{"send fails", func(f ClientFlags) runner {
			return &SendCmd{ClientFlags: f, User: "zz", Text: []string{"hi"}, As: "ana"}
		},
			"", `{"description":"user does not exist","error":"message: user does not exist","server":"","service":"message","status":"error"}`, true},
		{"history", func(f ClientFlags) runner { return &HistoryCmd{ClientFlags: f, Target: "geral", Limit: 10} },
			"#geral <ana> hello (clock 42)\n", `"messages":[{"id":"s1:1","topic":"geral","channel":"geral","user":"ana","message":"hello"`, false},
	}
	for _, c := range cases {
		for _, js := range []bool{false, true} {
			var out bytes.Buffer
			f := flags(js)
			f.stdout = &out
			err := c.cmd(f).Run(context.Background(), &Globals{LogLevel: slog.LevelError})
			if (err != nil) != c.wantErr {
				t.Fatalf("%s (json %v): err %v", c.name, js, err)
			}
			want := c.human
			if js {
				want = c.json
				if !json.Valid(out.Bytes()) || strings.Count(out.String(), "\n") != 1 {
					t.Errorf("%s: not one JSON object: %q", c.name, out.String())
				}
			}
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s (json %v): output %q, want %q", c.name, js, out.String(), want)
			}
		}
	}
}

func TestHistoryQuery(t *testing.T) {
	cases := []struct {
		cmd     HistoryCmd
		want    zchat.HistoryQuery
		wantErr bool
	}{
		{HistoryCmd{Target: "geral", Limit: 5, After: "s1:1"}, zchat.HistoryQuery{Channel: "geral", Limit: 5, After: "s1:1"}, false},
		{HistoryCmd{Target: "@ana"}, zchat.HistoryQuery{User: "ana"}, false},
		{HistoryCmd{Target: "@ana", Peer: "bob"}, zchat.HistoryQuery{User: "ana", Peer: "bob"}, false},
		{HistoryCmd{Target: "@bob", As: "ana"}, zchat.HistoryQuery{User: "ana", Peer: "bob"}, false},
		{HistoryCmd{Target: "@ana", As: "ana"}, zchat.HistoryQuery{User: "ana"}, false},
		{HistoryCmd{As: "ana", Peer: "bob", Before: "s2:9"}, zchat.HistoryQuery{User: "ana", Peer: "bob", Before: "s2:9"}, false},
		{HistoryCmd{}, zchat.HistoryQuery{}, true},
	}
	for _, c := range cases {
		got, err := c.cmd.query()
		if (err != nil) != c.wantErr || !c.wantErr && got != c.want {
			t.Errorf("%+v: got %+v, %v; want %+v", c.cmd, got, err, c.want)
		}
	}
}

func TestClientPlainOverPipe(t *testing.T) {
	srv := clienttest.StartServer(t, func(_ int, req wire.Message) []byte { return chatReply(t, req) })
	pub := clienttest.StartPublisher(t)
	var out bytes.Buffer
	c := &ClientCmd{
		ClientFlags: ClientFlags{Broker: srv.Endpoint, Proxy: pub.Endpoint, Open: true, Timeout: time.Second, Retries: 1, stdout: &out},
		Plain:       true,
		stdin:       strings.NewReader("ana\n1\n2\n6\ngeral\nhello\n7\n"),
	}
	if err := c.Run(context.Background(), &Globals{LogLevel: slog.LevelError}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"logged in as ana", "  bob", "  geral", "published to #geral (id s1:1", "bye"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
}

// TestCommandsAgainstVariantServer runs the one-shot commands and the plain
// menu against a server that answers the way other implementations do.
func TestCommandsAgainstVariantServer(t *testing.T) {
	srv := clienttest.StartServer(t, func(_ int, req wire.Message) []byte { return clienttest.VariantReply(t, req) })
	flags := func(out *bytes.Buffer) ClientFlags {
		return ClientFlags{Broker: srv.Endpoint, Open: true, Timeout: time.Second, Retries: 1, stdout: out}
	}
	cases := []struct {
		name string
		cmd  func(ClientFlags) runner
		want string // in the output, or in the error when it starts with "error: "
	}{
		{"login", func(f ClientFlags) runner { return &LoginCmd{ClientFlags: f, User: "ana"} }, "logged in as ana"},
		{"users", func(f ClientFlags) runner { return &UsersCmd{f} }, "ana\nbob\n"},
		{"channels under users", func(f ClientFlags) runner { return &ChannelsCmd{f} }, "geral\ndev\n"},
		{"create", func(f ClientFlags) runner { return &CreateCmd{ClientFlags: f, Channel: "novo", As: "ana"} }, "channel novo created"},
		{"create existing", func(f ClientFlags) runner { return &CreateCmd{ClientFlags: f, Channel: "geral", As: "ana"} },
			"error: Canal já existe"},
		{"post answered sucesso", func(f ClientFlags) runner {
			return &PostCmd{ClientFlags: f, Channel: "geral", Text: []string{"oi"}, As: "ana"}
		}, "posted to #geral"},
		{"send", func(f ClientFlags) runner {
			return &SendCmd{ClientFlags: f, User: "bob", Text: []string{"oi"}, As: "ana"}
		},
			"sent to @bob"},
		{"send to unknown", func(f ClientFlags) runner {
			return &SendCmd{ClientFlags: f, User: "zé", Text: []string{"oi"}, As: "ana"}
		},
			"error: Usuário não existe"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		err := c.cmd(flags(&out)).Run(context.Background(), &Globals{LogLevel: slog.LevelError})
		if want, ok := strings.CutPrefix(c.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: err %v, want one with %q", c.name, err, want)
			}
			continue
		}
		if err != nil || !strings.Contains(out.String(), c.want) {
			t.Errorf("%s: output %q, err %v; want %q", c.name, out.String(), err, c.want)
		}
	}

	pub := clienttest.StartPublisher(t)
	var out bytes.Buffer
	menu := &ClientCmd{
		ClientFlags: ClientFlags{Broker: srv.Endpoint, Proxy: pub.Endpoint, Open: true, Timeout: time.Second, Retries: 1, stdout: &out},
		Plain:       true,
		stdin:       strings.NewReader("ana\n1\n2\n3\nnovo\n3\ngeral\n5\nbob\noi\n6\ngeral\nhello\n7\n"),
	}
	if err := menu.Run(context.Background(), &Globals{LogLevel: slog.LevelError}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"logged in as ana", "  bob", "  dev", "channel novo created", "Canal já existe", "published to #geral", "sent to @bob", "bye"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("menu output lacks %q:\n%s", s, out.String())
		}
	}
}
