package clock

import (
	"fmt"
	"sync"
	"time"
)

// DefaultSlewRate is how much slower, at most, a Physical clock runs while
// it absorbs a negative adjustment: at 0.1 every real second still
// advances the clock by at least 0.9 s.
const DefaultSlewRate = 0.1

// Physical is a server's physical clock: the system clock plus the offset
// that Berkeley synchronization maintains, plus an artificial skew used to
// inject faults. Readings never decrease, so timestamps emitted by one
// server are ordered even when its clock is corrected backwards. It is
// safe for concurrent use.
type Physical struct {
	system func() time.Time
	skew   time.Duration

	mu       sync.Mutex
	slewRate float64
	offset   time.Duration // applied correction, excluding skew
	debt     time.Duration // negative correction not yet applied, >= 0
	lastSeen time.Time     // system clock when debt was last slewed
	floor    time.Time     // the latest reading handed out
}

// NewPhysical returns a clock that reads now (time.Now when nil) shifted
// by skew. The skew stands for a badly set system clock: it is part of the
// reading but not of Offset, so synchronization has to correct it.
func NewPhysical(skew time.Duration, now func() time.Time) *Physical {
	if now == nil {
		now = time.Now
	}
	return &Physical{system: now, skew: skew, slewRate: DefaultSlewRate, lastSeen: now()}
}

// SetSlewRate sets how much slower, at most, the clock runs while
// absorbing a negative adjustment; rate must be in (0, 1].
func (p *Physical) SetSlewRate(rate float64) error {
	if !(rate > 0 && rate <= 1) {
		return fmt.Errorf("clock: slew rate %v is not in (0, 1]", rate)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slew(p.system())
	p.slewRate = rate
	return nil
}

// Now returns the adjusted time, never earlier than a previous reading.
func (p *Physical) Now() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.read()
}

// Seconds returns Now as float seconds since the Unix epoch, the form of
// every timestamp zchat emits.
func (p *Physical) Seconds() float64 {
	t := p.Now()
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// Offset returns the correction applied so far, excluding the skew and the
// part of a negative adjustment not yet slewed in.
func (p *Physical) Offset() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slew(p.system())
	return p.offset
}

// Pending returns the part of negative adjustments not yet applied (zero
// or negative).
func (p *Physical) Pending() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slew(p.system())
	return -p.debt
}

// Adjust corrects the clock by delta. A positive delta (and whatever it
// cancels of a pending negative one) applies at once; a negative one is
// slewed in gradually, so that the clock never runs backwards.
func (p *Physical) Adjust(delta time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slew(p.system())
	net := delta - p.debt
	if net >= 0 {
		p.offset, p.debt = p.offset+net, 0
		return
	}
	p.debt = -net
}

// read returns the adjusted time. Wall readings are compared without their
// monotonic part (Round(0)): a wall clock stepped back by the operating
// system must not be hidden by the monotonic clock in the comparison and
// then show up in Seconds. Such a step freezes the reading instead.
func (p *Physical) read() time.Time {
	system := p.system()
	p.slew(system)
	t := system.Round(0).Add(p.skew + p.offset)
	if t.Before(p.floor) {
		t = p.floor
	}
	p.floor = t
	return t
}

// slew moves part of the debt into the offset: at most slewRate of the
// real time elapsed since the last call.
func (p *Physical) slew(system time.Time) {
	elapsed := system.Sub(p.lastSeen)
	p.lastSeen = system
	if elapsed <= 0 || p.debt == 0 {
		return
	}
	step := min(p.debt, time.Duration(float64(elapsed)*p.slewRate))
	p.offset -= step
	p.debt -= step
}
