package clock

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// epoch is where every fake system clock starts.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeSystem is a system clock that moves only when told to.
type fakeSystem struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeSystem() *fakeSystem { return &fakeSystem{t: epoch} }

func (f *fakeSystem) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeSystem) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// physicalStep advances the system clock, then adjusts, then checks the
// reading (as the distance from epoch), the offset and the pending part.
type physicalStep struct {
	advance     time.Duration
	adjust      time.Duration
	want        time.Duration
	wantOffset  time.Duration
	wantPending time.Duration
}

const ms = time.Millisecond

func TestPhysical(t *testing.T) {
	tests := []struct {
		name  string
		skew  time.Duration
		rate  float64
		steps []physicalStep
	}{
		{"follows the system clock", 0, 0, []physicalStep{
			{want: 0},
			{advance: time.Second, want: time.Second},
		}},
		{"skew shifts readings but is not an offset", 5 * time.Second, 0, []physicalStep{
			{want: 5 * time.Second},
			{advance: time.Second, want: 6 * time.Second},
		}},
		{"positive delta applies at once", 0, 0, []physicalStep{
			{adjust: 2 * time.Second, want: 2 * time.Second, wantOffset: 2 * time.Second},
			{advance: time.Second, want: 3 * time.Second, wantOffset: 2 * time.Second},
		}},
		{"negative delta is slewed at 10%", 0, 0, []physicalStep{
			{adjust: -time.Second, want: 0, wantPending: -time.Second},
			{advance: time.Second, want: 900 * ms, wantOffset: -100 * ms, wantPending: -900 * ms},
			{advance: 9 * time.Second, want: 9 * time.Second, wantOffset: -time.Second},
			{advance: time.Second, want: 10 * time.Second, wantOffset: -time.Second},
		}},
		{"slewing stops exactly when absorbed", 0, 0, []physicalStep{
			{adjust: -500 * ms, wantPending: -500 * ms},
			{advance: 20 * time.Second, want: 19500 * ms, wantOffset: -500 * ms},
		}},
		{"custom slew rate", 0, 0.5, []physicalStep{
			{adjust: -time.Second, wantPending: -time.Second},
			{advance: time.Second, want: 500 * ms, wantOffset: -500 * ms, wantPending: -500 * ms},
			{advance: time.Second, want: time.Second, wantOffset: -time.Second},
		}},
		{"rate 1 stops the clock while slewing", 0, 1, []physicalStep{
			{adjust: -time.Second, wantPending: -time.Second},
			{advance: time.Second, want: 0, wantOffset: -time.Second},
			{advance: time.Second, want: time.Second, wantOffset: -time.Second},
		}},
		{"positive delta cancels pending first", 0, 0, []physicalStep{
			{adjust: -time.Second, wantPending: -time.Second},
			{adjust: 3 * time.Second, want: 2 * time.Second, wantOffset: 2 * time.Second},
		}},
		{"small positive delta only reduces pending", 0, 0, []physicalStep{
			{adjust: -3 * time.Second, wantPending: -3 * time.Second},
			{adjust: time.Second, want: 0, wantPending: -2 * time.Second},
		}},
		{"negative deltas accumulate", 0, 0, []physicalStep{
			{adjust: -time.Second, wantPending: -time.Second},
			{adjust: -time.Second, wantPending: -2 * time.Second},
		}},
		{"skew is corrected by a negative adjustment", time.Hour, 0, []physicalStep{
			{adjust: -time.Hour, want: time.Hour, wantPending: -time.Hour},
			{advance: 10 * time.Hour, want: 10 * time.Hour, wantOffset: -time.Hour},
		}},
		{"system clock stepping back freezes the reading", 0, 0, []physicalStep{
			{advance: 10 * time.Second, want: 10 * time.Second},
			{advance: -5 * time.Second, want: 10 * time.Second},
			{advance: 4 * time.Second, want: 10 * time.Second},
			{advance: 2 * time.Second, want: 11 * time.Second},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := newFakeSystem()
			p := NewPhysical(tt.skew, sys.now)
			if tt.rate != 0 {
				mustSetSlewRate(t, p, tt.rate)
			}
			for i, s := range tt.steps {
				sys.advance(s.advance)
				p.Adjust(s.adjust)
				checkPhysical(t, i, p, s)
			}
		})
	}
}

func mustSetSlewRate(t *testing.T, p *Physical, rate float64) {
	t.Helper()
	if err := p.SetSlewRate(rate); err != nil {
		t.Fatal(err)
	}
}

func checkPhysical(t *testing.T, i int, p *Physical, s physicalStep) {
	t.Helper()
	if got := p.Now().Sub(epoch); got != s.want {
		t.Errorf("step %d: reading epoch%+v, want epoch%+v", i, got, s.want)
	}
	if got := p.Offset(); got != s.wantOffset {
		t.Errorf("step %d: Offset %v, want %v", i, got, s.wantOffset)
	}
	if got := p.Pending(); got != s.wantPending {
		t.Errorf("step %d: Pending %v, want %v", i, got, s.wantPending)
	}
}

func TestPhysicalSecondsMatchesNow(t *testing.T) {
	sys := newFakeSystem()
	p := NewPhysical(1500*ms, sys.now)
	want := float64(epoch.Unix()) + 1.5
	if got := p.Seconds(); math.Abs(got-want) > 1e-6 {
		t.Fatalf("Seconds = %f, want %f", got, want)
	}
}

func TestPhysicalNilNowUsesSystemClock(t *testing.T) {
	p := NewPhysical(0, nil)
	if d := time.Since(p.Now()); d < 0 || d > time.Minute {
		t.Fatalf("reading is %v away from time.Now", d)
	}
}

func TestPhysicalSetSlewRateRejectsOutOfRange(t *testing.T) {
	for _, rate := range []float64{0, -0.1, 1.01, math.NaN(), math.Inf(1)} {
		if err := NewPhysical(0, nil).SetSlewRate(rate); err == nil {
			t.Errorf("SetSlewRate(%v) accepted", rate)
		}
	}
}

// Whatever the adjustments, readings never decrease, and between two
// readings without a positive adjustment the clock advances by at least
// (1 - rate) of the real time.
func TestPhysicalNeverRunsBackwardsNorTooSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sys := newFakeSystem()
	p := NewPhysical(0, sys.now)
	last := p.Now()
	for i := range 10000 {
		real := time.Duration(rng.IntN(2000)) * ms
		sys.advance(real)
		now := p.Now()
		checkPace(t, i, now.Sub(last), real)
		p.Adjust(time.Duration(rng.IntN(4000)-3000) * ms)
		last = p.Now()
	}
}

func checkPace(t *testing.T, i int, advanced, real time.Duration) {
	t.Helper()
	floor := time.Duration(float64(real) * (1 - DefaultSlewRate))
	if advanced < 0 || advanced < floor-time.Nanosecond {
		t.Fatalf("step %d: clock advanced %v in %v of real time", i, advanced, real)
	}
}

func TestPhysicalConcurrentUse(t *testing.T) {
	sys := newFakeSystem()
	p := NewPhysical(0, sys.now)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() { hammer(t, p, sys, g) })
	}
	wg.Wait()
}

// hammer reads and adjusts concurrently with other goroutines, checking
// that its own readings never decrease.
func hammer(t *testing.T, p *Physical, sys *fakeSystem, g int) {
	last := p.Now()
	for i := range 500 {
		sys.advance(ms)
		p.Adjust(time.Duration((i+g)%7-4) * ms)
		now := p.Now()
		if now.Before(last) {
			t.Errorf("goroutine %d: reading went back from %v to %v", g, last, now)
			return
		}
		last = now
		p.Seconds()
		p.Offset()
		p.Pending()
	}
}
