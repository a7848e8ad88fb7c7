package coordination

import (
	"io"
	"log/slog"
	"time"

	"zchat/internal/clock"
)

// Config configures a Coordinator. Zero durations and counts take the
// defaults below, chosen for a failover well under a second on a LAN.
type Config struct {
	Self       string
	Membership Membership
	Peers      Peers
	Lamport    *clock.Lamport
	Physical   *clock.Physical
	ProxySub   string                             // proxy XPUB endpoint: subscribe to topic "servers" ("" = no subscription)
	Publish    func(topic string, payload []byte) // sends through the server's publisher
	Tick       time.Duration                      // election tick
	SyncEvery  int                                // Berkeley round every N messages exchanged (standard: 10)
	SyncIdle   time.Duration                      // and at least this often when idle
	Logger     *slog.Logger

	Skew time.Duration // the --clock-skew fault injection, reported in status

	// Election timing, rounded up to whole ticks.
	AnswerTimeout      time.Duration // electing: wait this long for a higher peer's answer
	CoordinatorTimeout time.Duration // answered: wait this long for the announcement
	AnnounceEvery      time.Duration // the coordinator repeats its announcement

	CallTimeout   time.Duration // one request to a peer
	ProbeEvery    time.Duration // a follower asks the coordinator for its clock this often
	ProbeFailures int           // consecutive failed probes that make the coordinator lost

	Tolerance time.Duration // Berkeley: readings further from the median are outliers
	MaxRTT    time.Duration // Berkeley: slower readings are too uncertain to use
	Samples   int           // Berkeley: readings per peer per round; the shortest round trip counts
	MaxStep   time.Duration // Berkeley: the largest correction applied at once; larger ones are clamped
}

// Defaults. Tolerance: a loopback or LAN reading is off by at most half its
// round trip, and MaxRTT bounds that to 50 ms, so a clock further than
// Tolerance from the median is wrong, not measured badly.
//
// MaxStep: a correction backwards is slewed in, at most SlewRate (<= 1) of
// the real time, and the next round replaces what is still pending; so
// between two rounds, at most SyncIdle (2 s) apart, a clock never absorbs
// more than 2 s of it, and clamping there never slows the correction of a
// clock ahead. A clock behind is stepped forward at once, 2 s per round:
// 5 s behind takes 3 rounds instead of 1. In exchange, one correction,
// wrong or forged by a server that claims the coordinator's name, moves a
// clock by at most 2 s (slewed back in 20 s at the default rate) instead
// of up to three years.
const (
	DefaultTick               = 50 * time.Millisecond
	DefaultSyncEvery          = 10
	DefaultSyncIdle           = 2 * time.Second
	DefaultAnswerTimeout      = 200 * time.Millisecond
	DefaultCoordinatorTimeout = 500 * time.Millisecond
	DefaultAnnounceEvery      = 250 * time.Millisecond
	DefaultCallTimeout        = 200 * time.Millisecond
	DefaultProbeEvery         = 100 * time.Millisecond
	DefaultProbeFailures      = 2
	DefaultTolerance          = 50 * time.Millisecond
	DefaultMaxRTT             = 100 * time.Millisecond
	DefaultSamples            = 5
	DefaultMaxStep            = 2 * time.Second
)

func (c *Config) defaults() {
	durations := []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&c.Tick, DefaultTick}, {&c.SyncIdle, DefaultSyncIdle},
		{&c.AnswerTimeout, DefaultAnswerTimeout}, {&c.CoordinatorTimeout, DefaultCoordinatorTimeout},
		{&c.AnnounceEvery, DefaultAnnounceEvery}, {&c.CallTimeout, DefaultCallTimeout},
		{&c.ProbeEvery, DefaultProbeEvery}, {&c.Tolerance, DefaultTolerance}, {&c.MaxRTT, DefaultMaxRTT},
		{&c.MaxStep, DefaultMaxStep},
	}
	for _, d := range durations {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	c.countDefaults()
}

func (c *Config) countDefaults() {
	if c.SyncEvery <= 0 {
		c.SyncEvery = DefaultSyncEvery
	}
	if c.ProbeFailures <= 0 {
		c.ProbeFailures = DefaultProbeFailures
	}
	if c.Samples <= 0 {
		c.Samples = DefaultSamples
	}
	if c.Lamport == nil {
		c.Lamport = &clock.Lamport{}
	}
	if c.Physical == nil {
		c.Physical = clock.NewPhysical(c.Skew, nil)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// ticks converts d to whole ticks, at least one.
func (c *Config) ticks(d time.Duration) int {
	return max(1, int((d+c.Tick-1)/c.Tick))
}
