package bench

import (
	"math/rand/v2"
	"testing"
)

// A second run against the same cluster must not repeat the first run's
// request ids, or the servers answer it from their deduplication.
func TestRequestIDsDifferAcrossRuns(t *testing.T) {
	first := builder{names: newNames("bench", 2, 1), rng: rand.New(rand.NewPCG(1, 2))}
	second := builder{names: newNames("bench", 2, 1), rng: rand.New(rand.NewPCG(1, 2))}
	if first.names.users[0] != second.names.users[0] {
		t.Fatalf("users differ across runs: %q, %q", first.names.users[0], second.names.users[0])
	}
	seen := map[string]bool{}
	for range 3 {
		for _, id := range []string{first.reqID(), second.reqID()} {
			if seen[id] {
				t.Fatalf("request id %q used twice", id)
			}
			seen[id] = true
		}
	}
}
