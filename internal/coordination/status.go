package coordination

import (
	"context"
	"time"
)

// status is what the loop and the services publish for StatusFields and
// for the services' own checks; Coordinator.mu guards it.
type status struct {
	coordinator  string
	state        string
	rank         int
	elections    int
	leaderOffset *time.Duration // a follower's last measure of the coordinator's clock minus ours
	lastAdjust   *adjustRecord  // the last correction applied to our clock
	lastRound    *roundReport   // the last round we ran as coordinator
}

// adjustRecord is one correction applied to our clock.
type adjustRecord struct {
	by        string
	round     int
	requested time.Duration // what the coordinator measured
	delta     time.Duration // what was applied: requested, clamped to MaxStep
	at        time.Time     // our clock, after the correction
}

func (c *Coordinator) setElection(leader, state string, rank, elections int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st.coordinator != leader {
		c.st.leaderOffset = nil
	}
	c.st.coordinator, c.st.state, c.st.rank, c.st.elections = leader, state, rank, elections
}

func (c *Coordinator) setLeaderOffset(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.leaderOffset = &d
}

func (c *Coordinator) recordAdjust(by string, round int, requested, applied time.Duration) {
	r := &adjustRecord{by: by, round: round, requested: requested, delta: applied, at: c.cfg.Physical.Now()}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.lastAdjust = r
}

func (c *Coordinator) recordRound(r roundReport) {
	c.log.Log(context.Background(), r.level(c.cfg.Tolerance), "berkeley round", r.attrs()...)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.lastRound = &r
}

// StatusFields adds coordination state to the status reply: coordinator,
// state, rank, elections, skew (the --clock-skew fault injection),
// pending (the negative correction still being slewed in), leader_offset,
// last_sync (the last correction of our clock) and last_round (the last
// round run here as coordinator), durations in float seconds.
func (c *Coordinator) StatusFields() map[string]any {
	pending := c.cfg.Physical.Pending()
	now := c.cfg.Physical.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	f := map[string]any{
		"coordinator": c.st.coordinator, "state": c.st.state, "elections": c.st.elections,
		"skew": c.cfg.Skew.Seconds(), "pending": pending.Seconds(),
	}
	c.st.addOptional(f, now)
	return f
}

// addOptional adds what is known only in some roles or after some events.
func (st *status) addOptional(f map[string]any, now time.Time) {
	if st.rank > 0 {
		f["rank"] = st.rank
	}
	if st.leaderOffset != nil {
		f["leader_offset"] = st.leaderOffset.Seconds()
	}
	if a := st.lastAdjust; a != nil {
		f["last_sync"] = map[string]any{
			"by": a.by, "round": a.round, "delta": a.delta.Seconds(), "requested": a.requested.Seconds(), "ago": now.Sub(a.at).Seconds(),
		}
	}
	if r := st.lastRound; r != nil {
		f["last_round"] = r.fields(now)
	}
}
