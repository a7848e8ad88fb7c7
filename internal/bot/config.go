package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"zchat"
	"zchat/internal/client"
)

// Config describes a fleet of bots.
type Config struct {
	Client   client.Config // where the cluster is; every bot's client uses it
	Count    int           // bots in this process; default 1
	Rate     float64       // messages per second per bot; 0 sends as fast as acknowledgements come
	Size     int           // bytes of each message; default 48
	Burst    int           // messages sent to a channel before picking another; default 10
	Duration time.Duration // stop after this long; 0 for no limit
	Messages int           // each bot stops after sending this many; 0 for no limit
	Shared   bool          // all bots share one client (one REQ socket)
	Channels []string      // created when the cluster has none; default geral, random, bots
	Progress time.Duration // how often progress is logged; default 10s, negative for never
	// RecordAcks keeps every acknowledged message in the report (for tests
	// that check them against history); memory grows with the run.
	RecordAcks bool
	Logger     *slog.Logger // discards when nil
}

// Defaults.
const (
	DefaultSize  = 48
	DefaultBurst = 10 // the standard behaviour
)

// DefaultChannels are created when a bot finds no channel at all.
var DefaultChannels = []string{"geral", "random", "bots"}

func (c Config) withDefaults() Config {
	c.Count = max(c.Count, 1)
	if c.Size <= 0 {
		c.Size = DefaultSize
	}
	if c.Burst <= 0 {
		c.Burst = DefaultBurst
	}
	if len(c.Channels) == 0 {
		c.Channels = DefaultChannels
	}
	if c.Progress == 0 {
		c.Progress = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.Rate < 0:
		return errors.New("bot: negative rate")
	case c.Size > zchat.DefaultLimits.MaxMessage:
		return fmt.Errorf("bot: size %d is above the servers' message limit (%d bytes)", c.Size, zchat.DefaultLimits.MaxMessage)
	case c.Duration < 0 || c.Messages < 0:
		return errors.New("bot: negative bound")
	}
	return nil
}
