package clock

import (
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Reading is one peer's answer to the coordinator's time request. Sent and
// Received are the coordinator's own clock when the request left and when
// the answer arrived; Remote is the time the peer reported.
type Reading struct {
	Name           string
	Sent, Received time.Time
	Remote         time.Time
}

// Adjustment is the correction one participant must apply to its clock
// (Physical.Adjust). Outlier participants were left out of the average but
// are corrected towards it like everyone else. RTT is the round trip of
// the reading used, zero for the coordinator.
type Adjustment struct {
	Name    string
	Delta   time.Duration
	Outlier bool
	RTT     time.Duration
}

// sample is one participant's clock offset from the coordinator's clock.
type sample struct {
	name   string
	offset time.Duration
	rtt    time.Duration
}

// Berkeley computes one round of the Berkeley algorithm for the coordinator
// self, whose clock reads now, and returns the adjustment of every
// participant, self included, sorted by name.
//
// A peer's offset is its reported time compensated by half the round trip
// (its estimated clock at the moment the answer was received) minus the
// coordinator's clock at that moment; as both clocks advance together,
// this is also the offset at now. (So now does not change the deltas; it
// only rejects readings that claim to have arrived after it.) The target is the average offset of the
// participants within tolerance of the median offset, so one wildly wrong
// clock cannot drag the others; when no participant is that close (an
// even count split in two camps) the coordinator's clock is the target.
//
// Dropped entirely: readings with a round trip above maxRTT (too uncertain),
// a negative round trip, a Received after now, a zero Remote, an empty name
// or self's name; of duplicate names, only the shortest round trip is kept.
// tolerance <= 0 disables outlier exclusion; maxRTT <= 0 disables the RTT
// limit.
//
// Deltas are not bounded: a participant an hour ahead gets -1h, which
// Physical slews in over ten hours at the default rate.
func Berkeley(self string, now time.Time, readings []Reading, tolerance, maxRTT time.Duration) []Adjustment {
	samples := usableSamples(self, now, readings, maxRTT)
	median := medianOffset(samples)
	target := targetOffset(samples, median, tolerance)
	out := make([]Adjustment, 0, len(samples))
	for _, s := range samples {
		out = append(out, Adjustment{
			Name:    s.name,
			Delta:   subSaturating(target, s.offset),
			Outlier: !within(s.offset, median, tolerance),
			RTT:     s.rtt,
		})
	}
	return out
}

// usableSamples turns the valid readings into samples, adds the
// coordinator's own (offset zero) and sorts them by name.
func usableSamples(self string, now time.Time, readings []Reading, maxRTT time.Duration) []sample {
	best := map[string]sample{self: {name: self}}
	for _, r := range readings {
		s, ok := toSample(self, now, r, maxRTT)
		if prev, dup := best[s.name]; ok && (!dup || s.rtt < prev.rtt) {
			best[s.name] = s // of duplicates, the shortest round trip is the most precise
		}
	}
	return slices.SortedFunc(maps.Values(best), byName)
}

func byName(a, b sample) int { return strings.Compare(a.name, b.name) }

// toSample compensates a reading for half its round trip and reports
// whether it can be trusted at all.
func toSample(self string, now time.Time, r Reading, maxRTT time.Duration) (sample, bool) {
	rtt := r.Received.Sub(r.Sent)
	switch {
	case r.Name == "" || r.Name == self || r.Remote.IsZero():
		return sample{}, false
	case rtt < 0 || r.Received.After(now) || (maxRTT > 0 && rtt > maxRTT):
		return sample{}, false
	}
	estimated := r.Remote.Add(rtt / 2)
	return sample{name: r.Name, offset: estimated.Sub(r.Received), rtt: rtt}, true
}

// medianOffset returns the median offset; for an even count, the midpoint
// of the two middle offsets.
func medianOffset(samples []sample) time.Duration {
	offsets := make([]time.Duration, len(samples))
	for i, s := range samples {
		offsets[i] = s.offset
	}
	slices.Sort(offsets)
	mid := len(offsets) / 2
	if len(offsets)%2 == 1 {
		return offsets[mid]
	}
	a, b := offsets[mid-1], offsets[mid]
	return a/2 + b/2 + (a%2+b%2)/2 // without overflowing a+b
}

// targetOffset averages the offsets within tolerance of the median.
func targetOffset(samples []sample, median, tolerance time.Duration) time.Duration {
	var deviations []time.Duration
	for _, s := range samples {
		if within(s.offset, median, tolerance) {
			deviations = append(deviations, subSaturating(s.offset, median))
		}
	}
	if len(deviations) == 0 {
		return 0
	}
	return median + mean(deviations)
}

// mean divides before adding, so that a sum of extreme values (offsets
// from a peer reporting an absurd time) cannot overflow; it is exact to
// within a nanosecond per value.
func mean(values []time.Duration) time.Duration {
	n := time.Duration(len(values))
	var quotients, remainders time.Duration
	for _, v := range values {
		quotients += v / n
		remainders += v % n
	}
	return quotients + remainders/n
}

// within reports whether offset is an inlier: within tolerance of the
// median, or anything when outlier exclusion is disabled.
func within(offset, median, tolerance time.Duration) bool {
	if tolerance <= 0 {
		return true
	}
	d := subSaturating(offset, median)
	return d >= -tolerance && d <= tolerance
}

// subSaturating returns a-b clamped to the Duration range. Offsets come
// from time.Sub, which saturates, so a peer reporting an absurd time must
// not wrap the arithmetic around.
func subSaturating(a, b time.Duration) time.Duration {
	d := a - b
	switch {
	case b < 0 && d < a:
		return math.MaxInt64
	case b > 0 && d > a:
		return math.MinInt64
	}
	return d
}
