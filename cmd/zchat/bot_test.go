package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"zchat/internal/testcluster"
)

// TestBotCommand runs `zchat bot` as the cluster supervisor and a person
// would: bounded by --messages, with the report as text and as JSON.
func TestBotCommand(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1, LogLevel: "info"})
	run := func(args ...string) string {
		t.Helper()
		args = append(append([]string{"bot", "--rate", "0"}, clusterArgs(c)...), args...)
		out, err := exec.Command(c.Binary(), args...).Output()
		if err != nil {
			t.Fatalf("zchat %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	var r struct{ Bots, Sent, Acked, Errors int }
	if err := json.Unmarshal([]byte(run("--count", "3", "--messages", "20", "--json")), &r); err != nil {
		t.Fatal(err)
	}
	if r.Bots != 3 || r.Sent != 60 || r.Acked != 60 || r.Errors != 0 {
		t.Fatalf("report %+v", r)
	}
	if out := run("--messages", "5", "--size", "200", "--report"); !strings.Contains(out, "sent 5, acked 5, errors 0") {
		t.Fatalf("report %q", out)
	}
}
