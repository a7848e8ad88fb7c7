package client

import "time"

// timers are a Session's extra catch-ups: once Settle after each
// connection, and Every period. A nil channel never fires.
type timers struct {
	settle time.Duration
	once   *time.Timer
	ticker *time.Ticker
}

func newTimers(o ResumeOptions) *timers {
	t := &timers{settle: o.Settle}
	if o.Every > 0 {
		t.ticker = time.NewTicker(o.Every)
	}
	return t
}

// connected schedules the settle catch-up, postponing a pending one.
func (t *timers) connected() {
	if t.settle <= 0 {
		return
	}
	if t.once == nil {
		t.once = time.NewTimer(t.settle)
		return
	}
	t.once.Reset(t.settle)
}

func (t *timers) settled() <-chan time.Time {
	if t.once == nil {
		return nil
	}
	return t.once.C
}

func (t *timers) tick() <-chan time.Time {
	if t.ticker == nil {
		return nil
	}
	return t.ticker.C
}

func (t *timers) stop() {
	if t.once != nil {
		t.once.Stop()
	}
	if t.ticker != nil {
		t.ticker.Stop()
	}
}
