package tui

import "testing"

func TestParse(t *testing.T) {
	cases := []struct {
		line    string
		want    command
		wantErr bool
	}{
		{"", command{}, false},
		{"   ", command{}, false},
		{"hello there", command{name: "say", text: "hello there"}, false},
		{"//slash at start", command{name: "say", text: "/slash at start"}, false},
		{"/join geral", command{name: "join", arg: "geral"}, false},
		{"/JOIN #geral", command{name: "join", arg: "geral"}, false},
		{"/join", command{name: "join"}, true},
		{"/join two words", command{name: "join", arg: "two words"}, true},
		{"/create news", command{name: "create", arg: "news"}, false},
		{"/msg @bob hi  there", command{name: "msg", arg: "bob", text: "hi  there"}, false},
		{"/msg bob", command{name: "msg", arg: "bob"}, true},
		{"/users", command{name: "users"}, false},
		{"/channels", command{name: "channels"}, false},
		{"/history", command{name: "history", n: 50}, false},
		{"/history 7", command{name: "history", n: 7}, false},
		{"/history 0", command{name: "history", n: 50}, true},
		{"/history lots", command{name: "history", n: 50}, true},
		{"/history 1001", command{name: "history", n: 50}, true},
		{"/part", command{name: "part"}, false},
		{"/help", command{name: "help"}, false},
		{"/quit", command{name: "quit"}, false},
		{"/exit", command{name: "quit"}, false},
		{"/dance", command{name: "dance"}, true},
	}
	for _, c := range cases {
		got, err := parse(c.line)
		if (err != nil) != c.wantErr || got != c.want {
			t.Errorf("parse(%q) = %+v, %v; want %+v, error %v", c.line, got, err, c.want, c.wantErr)
		}
	}
}
