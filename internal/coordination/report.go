package coordination

import (
	"log/slog"
	"slices"
	"time"

	"zchat/internal/clock"
	"zchat/internal/registry"
)

// roundReport is what one Berkeley round did, for status and the log.
type roundReport struct {
	round    int
	at       time.Time // when it started, our clock
	took     time.Duration
	synced   []string      // participants with a usable reading (self included)
	outliers []string      // left out of the average, corrected all the same
	missing  []string      // peers without a usable reading: not corrected
	failed   []string      // peers that did not acknowledge their correction
	spread   time.Duration // of the clocks before the round (max - min offset)
	maxDelta time.Duration // largest correction, in absolute value
}

func newRoundReport(round int, start time.Time, members []registry.Member, adj []clock.Adjustment, failed []string) roundReport {
	r := roundReport{round: round, at: start, took: time.Since(start), failed: failed}
	var deltas []time.Duration
	for _, a := range adj {
		r.synced = append(r.synced, a.Name)
		if a.Outlier {
			r.outliers = append(r.outliers, a.Name)
		}
		deltas = append(deltas, a.Delta)
		r.maxDelta = max(r.maxDelta, a.Delta.Abs())
	}
	// delta = target - offset: the deltas spread as the offsets did
	r.spread = slices.Max(deltas) - slices.Min(deltas)
	for _, m := range members {
		if !slices.Contains(r.synced, m.Name) {
			r.missing = append(r.missing, m.Name)
		}
	}
	return r
}

// level: a round that corrected a clock by more than the tolerance (a
// clock was really off) is worth an info line; routine rounds, every few
// seconds, are debug.
func (r roundReport) level(tolerance time.Duration) slog.Level {
	if r.maxDelta > tolerance {
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

func (r roundReport) attrs() []any {
	return []any{
		"round", r.round, "took", r.took, "synced", r.synced, "outliers", r.outliers,
		"missing", r.missing, "failed", r.failed, "spread", r.spread, "max_delta", r.maxDelta,
	}
}

func (r roundReport) fields(now time.Time) map[string]any {
	return map[string]any{
		"round": r.round, "ago": now.Sub(r.at).Seconds(), "took": r.took.Seconds(),
		"synced": nonNil(r.synced), "outliers": nonNil(r.outliers), "missing": nonNil(r.missing),
		"failed": nonNil(r.failed), "spread": r.spread.Seconds(), "max_delta": r.maxDelta.Seconds(),
	}
}

// nonNil makes an empty list encode as [] rather than nil.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
