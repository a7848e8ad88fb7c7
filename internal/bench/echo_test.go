package bench

import (
	"context"
	"testing"
	"time"
)

// TestEchoSmoke runs the transport bound in process for about a second.
func TestEchoSmoke(t *testing.T) {
	mix, _ := ParseMix("publish=90,history=10")
	rep, err := Run(context.Background(), Config{
		Echo: true, Clients: 2, Mix: mix, Duration: time.Second, Warmup: 100 * time.Millisecond,
		Spawn: &SpawnConfig{Servers: 2, InProcess: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests == 0 || rep.Throughput <= 0 || rep.Errors != 0 || rep.P50 <= 0 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Target != "echo" || rep.Ops[OpPublish].Count == 0 {
		t.Errorf("target %q ops %+v", rep.Target, rep.Ops)
	}
}
