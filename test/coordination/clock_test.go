package coordination_test

import (
	"testing"
	"time"

	"zchat/internal/coordination/survey"
	"zchat/internal/testcluster"
)

// slewRate lets a clock 5 s ahead come back in 10 s instead of 50 s
// (the default 0.1); it still never runs backwards.
const slewRate = "--slew-rate=0.5"

// startSkewed starts s1, s2, s3 with clocks 3 s behind, right, and 5 s
// ahead.
func startSkewed(t *testing.T, slew string) *testcluster.Cluster {
	c := testcluster.Start(t, testcluster.Options{ServerArgs: []string{slew}})
	for _, s := range []struct{ name, skew string }{{"s1", "-3s"}, {"s2", "0s"}, {"s3", "5s"}} {
		c.StartServerWith(s.name, "--clock-skew="+s.skew)
	}
	return c
}

// The servers share one system clock, so skew + offset (from status) is
// each one's clock relative to it: the survey's SkewSpread is exact.
func TestClocksConvergeDespiteSkews(t *testing.T) {
	c := startSkewed(t, slewRate)
	start := time.Now()
	r := await(t, c, 40*time.Second, "spread under 10 ms", func(r survey.Report) bool {
		return agreedOnHighest(3)(r) && r.SkewSpread < 0.010
	})
	t.Logf("converged within %v: spread %.3f ms; measured over the network %.3f ms (±%.3f)",
		time.Since(start), r.SkewSpread*1e3, r.Spread*1e3, r.SpreadError*1e3/2)
}
