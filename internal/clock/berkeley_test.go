package clock

import (
	"math"
	"slices"
	"testing"
	"time"
)

// roundStart is when the coordinator sends its requests; roundEnd is when
// it computes the round.
var (
	roundStart = epoch
	roundEnd   = epoch.Add(time.Second)
)

// peerAt is the reading of a peer whose clock is offset from the
// coordinator's and whose answer took rtt, split evenly both ways.
func peerAt(name string, offset, rtt time.Duration) Reading {
	return Reading{
		Name:     name,
		Sent:     roundStart,
		Received: roundStart.Add(rtt),
		Remote:   roundStart.Add(rtt/2 + offset),
	}
}

const (
	rtt10 = 10 * ms
	tol   = 10 * time.Second
	maxR  = time.Second
)

func TestBerkeley(t *testing.T) {
	tests := []struct {
		name      string
		readings  []Reading
		tolerance time.Duration
		want      []Adjustment
	}{
		{"no readings: only self, unchanged", nil, tol, []Adjustment{
			{Name: "s1"},
		}},
		{"all equal: zero deltas", []Reading{peerAt("s2", 0, rtt10), peerAt("s3", 0, 30*ms)}, tol, []Adjustment{
			{Name: "s1"}, {Name: "s2", RTT: rtt10}, {Name: "s3", RTT: 30 * ms},
		}},
		{"half the round trip is compensated", []Reading{{Name: "s2", Sent: roundStart, Received: roundStart.Add(400 * ms), Remote: roundStart.Add(200 * ms)}}, tol, []Adjustment{
			{Name: "s1"}, {Name: "s2", RTT: 400 * ms},
		}},
		{"ahead and behind average out", []Reading{peerAt("s2", 9*time.Second, rtt10), peerAt("s3", -3*time.Second, rtt10)}, tol, []Adjustment{
			{Name: "s1", Delta: 2 * time.Second},
			{Name: "s2", Delta: -7 * time.Second, RTT: rtt10},
			{Name: "s3", Delta: 5 * time.Second, RTT: rtt10},
		}},
		{"one hour off is an outlier and does not move the others", []Reading{peerAt("s2", time.Second, rtt10), peerAt("s3", -time.Second, rtt10), peerAt("s4", time.Hour, rtt10)}, tol, []Adjustment{
			{Name: "s1"},
			{Name: "s2", Delta: -time.Second, RTT: rtt10},
			{Name: "s3", Delta: time.Second, RTT: rtt10},
			{Name: "s4", Delta: -time.Hour, Outlier: true, RTT: rtt10},
		}},
		{"an hour behind is an outlier too", []Reading{peerAt("s2", 2*time.Second, rtt10), peerAt("s3", -time.Hour, rtt10)}, tol, []Adjustment{
			{Name: "s1", Delta: time.Second},
			{Name: "s2", Delta: -time.Second, RTT: rtt10},
			{Name: "s3", Delta: time.Hour + time.Second, Outlier: true, RTT: rtt10},
		}},
		{"the coordinator itself can be the outlier", []Reading{peerAt("s2", -time.Hour, rtt10), peerAt("s3", -time.Hour+2*time.Second, rtt10)}, tol, []Adjustment{
			{Name: "s1", Delta: -time.Hour + time.Second, Outlier: true},
			{Name: "s2", Delta: time.Second, RTT: rtt10},
			{Name: "s3", Delta: -time.Second, RTT: rtt10},
		}},
		{"tolerance disabled averages everyone", []Reading{peerAt("s2", 0, rtt10), peerAt("s3", 3*time.Hour, rtt10)}, 0, []Adjustment{
			{Name: "s1", Delta: time.Hour},
			{Name: "s2", Delta: time.Hour, RTT: rtt10},
			{Name: "s3", Delta: -2 * time.Hour, RTT: rtt10},
		}},
		{"two camps and no majority: the coordinator's clock wins", []Reading{peerAt("s2", time.Hour, rtt10)}, tol, []Adjustment{
			{Name: "s1", Outlier: true},
			{Name: "s2", Delta: -time.Hour, Outlier: true, RTT: rtt10},
		}},
		{"two close clocks meet halfway", []Reading{peerAt("s2", 4*time.Second, rtt10)}, tol, []Adjustment{
			{Name: "s1", Delta: 2 * time.Second},
			{Name: "s2", Delta: -2 * time.Second, RTT: rtt10},
		}},
		{"a reading over maxRTT is dropped entirely", []Reading{peerAt("s2", time.Second, rtt10), peerAt("s3", 5*time.Second, 2*time.Second)}, tol, []Adjustment{
			{Name: "s1", Delta: 500 * ms},
			{Name: "s2", Delta: -500 * ms, RTT: rtt10},
		}},
		{"invalid readings are dropped", []Reading{
			peerAt("s1", time.Minute, rtt10),
			peerAt("", time.Minute, rtt10),
			{Name: "zero-remote", Sent: roundStart, Received: roundStart},
			{Name: "negative-rtt", Sent: roundStart.Add(rtt10), Received: roundStart, Remote: roundStart},
			{Name: "from-the-future", Sent: roundEnd, Received: roundEnd.Add(rtt10), Remote: roundEnd},
		}, tol, []Adjustment{
			{Name: "s1"},
		}},
		{"of duplicates the shortest round trip counts", []Reading{peerAt("s2", 6*time.Second, 500*ms), peerAt("s2", 2*time.Second, rtt10), peerAt("s2", 4*time.Second, 20*ms)}, tol, []Adjustment{
			{Name: "s1", Delta: time.Second},
			{Name: "s2", Delta: -time.Second, RTT: rtt10},
		}},
		{"sorted by name whatever the input order", []Reading{peerAt("zeta", 0, rtt10), peerAt("alpha", 0, rtt10)}, tol, []Adjustment{
			{Name: "alpha", RTT: rtt10}, {Name: "s1"}, {Name: "zeta", RTT: rtt10},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Berkeley("s1", roundEnd, tt.readings, tt.tolerance, maxR)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
			checkInliersSumToZero(t, got)
		})
	}
}

// checkInliersSumToZero: the participants that make up the average move
// towards it by amounts that cancel out (up to rounding, 1 ns each).
func checkInliersSumToZero(t *testing.T, adjustments []Adjustment) {
	t.Helper()
	var sum, n time.Duration
	for _, a := range adjustments {
		if !a.Outlier {
			sum += a.Delta
			n++
		}
	}
	if sum > n || sum < -n {
		t.Errorf("inlier deltas sum to %v", sum)
	}
}

func TestBerkeleyNoRTTLimit(t *testing.T) {
	got := Berkeley("s1", roundEnd, []Reading{peerAt("s2", 2*time.Second, 900*ms)}, tol, 0)
	want := []Adjustment{{Name: "s1", Delta: time.Second}, {Name: "s2", Delta: -time.Second, RTT: 900 * ms}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// A peer reporting an absurd time (year 1) saturates its offset; the
// arithmetic must neither wrap around nor disturb the sane participants.
func TestBerkeleyAbsurdRemoteDoesNotOverflow(t *testing.T) {
	absurd := Reading{Name: "s9", Sent: roundStart, Received: roundStart.Add(rtt10), Remote: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)}
	got := Berkeley("s1", roundEnd, []Reading{peerAt("s2", 2*time.Second, rtt10), peerAt("s3", 4*time.Second, rtt10), absurd}, tol, maxR)
	want := []Adjustment{
		{Name: "s1", Delta: 2 * time.Second},
		{Name: "s2", RTT: rtt10},
		{Name: "s3", Delta: -2 * time.Second, RTT: rtt10},
		{Name: "s9", Delta: math.MaxInt64, Outlier: true, RTT: rtt10},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestBerkeleyAbsurdRemotesWithoutToleranceDoNotOverflow(t *testing.T) {
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	readings := []Reading{
		{Name: "s2", Sent: roundStart, Received: roundStart, Remote: far},
		{Name: "s3", Sent: roundStart, Received: roundStart, Remote: far},
	}
	for _, a := range Berkeley("s1", roundEnd, readings, 0, maxR) {
		if a.Name == "s1" && a.Delta <= 0 {
			t.Fatalf("coordinator moved backwards towards peers far ahead: %+v", a)
		}
	}
}

func TestSubSaturating(t *testing.T) {
	tests := []struct{ a, b, want time.Duration }{
		{5, 3, 2},
		{-5, 3, -8},
		{math.MaxInt64, -1, math.MaxInt64},
		{math.MinInt64, 1, math.MinInt64},
		{0, math.MinInt64, math.MaxInt64},
		{-1, math.MaxInt64, math.MinInt64},
		{math.MaxInt64, math.MaxInt64, 0},
	}
	for _, tt := range tests {
		if got := subSaturating(tt.a, tt.b); got != tt.want {
			t.Errorf("subSaturating(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMedianOffset(t *testing.T) {
	tests := []struct {
		offsets []time.Duration
		want    time.Duration
	}{
		{[]time.Duration{0}, 0},
		{[]time.Duration{5, -3, 1}, 1},
		{[]time.Duration{1, 4}, 2},
		{[]time.Duration{-1, -4}, -2},
		{[]time.Duration{math.MaxInt64, math.MaxInt64}, math.MaxInt64},
		{[]time.Duration{math.MinInt64, math.MaxInt64}, -1}, // -0.5, rounded down
	}
	for _, tt := range tests {
		samples := make([]sample, len(tt.offsets))
		for i, o := range tt.offsets {
			samples[i].offset = o
		}
		if got := medianOffset(samples); got != tt.want {
			t.Errorf("medianOffset(%v) = %d, want %d", tt.offsets, got, tt.want)
		}
	}
}
