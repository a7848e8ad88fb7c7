package bot

import "time"

// pacer spaces a bot's messages at a rate. A bot that fell behind (slow
// acknowledgements) catches up by at most one message, so that a stall is
// not followed by a burst.
type pacer struct {
	interval time.Duration // 0: no pacing
	next     time.Time
}

func newPacer(rate float64) pacer {
	if rate <= 0 {
		return pacer{}
	}
	return pacer{interval: time.Duration(float64(time.Second) / rate)}
}

// delay is how long to wait at now before the next message.
func (p *pacer) delay(now time.Time) time.Duration {
	if p.interval == 0 {
		return 0
	}
	if p.next.IsZero() || p.next.Before(now.Add(-p.interval)) {
		p.next = now.Add(-p.interval)
	}
	p.next = p.next.Add(p.interval)
	return max(p.next.Sub(now), 0)
}
