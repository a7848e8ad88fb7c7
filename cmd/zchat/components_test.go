package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"

	"zchat/internal/broker"
)

func TestUpTopology(t *testing.T) {
	top := topology{exe: "/bin/zchat", data: "/d", servers: 2, bots: 1, base: 6000, global: []string{"--log-level=info"},
		member: []string{"--cluster-key", "/d/cluster.key"}}
	specs := top.specs()
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
		if s.Path != "/bin/zchat" || s.Args[0] != "--log-level=info" {
			t.Errorf("%s: path %s args %v", s.Name, s.Path, s.Args)
		}
		if s.Optional != (s.Name == "b1") { // only bots are optional
			t.Errorf("%s: optional %v", s.Name, s.Optional)
		}
	}
	if want := []string{"reference", "broker", "proxy", "s1", "s2", "b1"}; !slices.Equal(names, want) {
		t.Fatalf("children %v, want %v", names, want)
	}
	tests := []struct {
		child string
		want  string
	}{
		{"reference", "reference --bind tcp://127.0.0.1:6004 --data /d/reference --cluster-key /d/cluster.key"},
		{"broker", "broker --frontend tcp://127.0.0.1:6000 --secure-frontend tcp://127.0.0.1:6005 --backend tcp://127.0.0.1:6001 --cluster-key /d/cluster.key"},
		{"proxy", "proxy --xsub tcp://127.0.0.1:6002 --xpub tcp://127.0.0.1:6003 --secure-xpub tcp://127.0.0.1:6006 --cluster-key /d/cluster.key"},
		{"s2", "server --name s2 --data /d/s2 --broker tcp://127.0.0.1:6001 --proxy tcp://127.0.0.1:6002" +
			" --proxy-sub tcp://127.0.0.1:6003 --reference tcp://127.0.0.1:6004" +
			" --peer-bind tcp://127.0.0.1:6009 --advertise tcp://127.0.0.1:6009 --cluster-key /d/cluster.key"},
		{"b1", "bot --broker tcp://127.0.0.1:6000 --proxy tcp://127.0.0.1:6003"}, // a client: no key
	}
	for _, tt := range tests {
		i := slices.Index(names, tt.child)
		if got := strings.Join(specs[i].Args[1:], " "); got != tt.want {
			t.Errorf("%s args:\n got %s\nwant %s", tt.child, got, tt.want)
		}
	}
}

// The broker's flag defaults are the package's DefaultLimits.
func TestBrokerFlagDefaults(t *testing.T) {
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("zchat"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parser.Parse([]string{"broker"}); err != nil {
		t.Fatal(err)
	}
	b := cli.Broker
	got := broker.Limits{RatePerSecond: b.RateLimit, Burst: b.RateBurst, MaxFrame: b.MaxFrame}
	if got != broker.DefaultLimits {
		t.Errorf("flag defaults %+v, want broker.DefaultLimits %+v", got, broker.DefaultLimits)
	}
}
