package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"zchat/internal/client"
)

// bot is one automatic user. Its fields belong to its goroutine, except the
// atomic counters in st.
type bot struct {
	name  string
	c     *client.Client // requests
	inbox *client.Client // subscriptions
	cfg   Config
	log   *slog.Logger
	st    stats
	pace  pacer
	n     int // messages sent so far
	fails int // consecutive failed requests, for the backoff
}

func newBot(cfg Config, c, inbox *client.Client) *bot {
	name := newName()
	return &bot{name: name, c: c, inbox: inbox, cfg: cfg, log: cfg.Logger.With("bot", name), pace: newPacer(cfg.Rate)}
}

// run is the standard behaviour: log in, then forever pick a random
// existing channel and send it a burst of messages, until ctx ends or the
// bot has sent cfg.Messages.
func (b *bot) run(ctx context.Context) {
	if !b.login(ctx) {
		return
	}
	for !b.done(ctx) {
		channel, err := b.pick(ctx)
		if err != nil {
			b.failed(ctx, "channels", err)
			continue
		}
		for i := 0; i < b.cfg.Burst && !b.done(ctx); i++ {
			b.send(ctx, channel)
		}
	}
}

func (b *bot) done(ctx context.Context) bool {
	return ctx.Err() != nil || b.cfg.Messages > 0 && b.n >= b.cfg.Messages
}

// login follows the name (for the echo), then registers it, retrying until
// both work or ctx ends. Following first means that whoever sees the bot in
// the user list can already reach it.
func (b *bot) login(ctx context.Context) bool {
	for ctx.Err() == nil {
		err := b.inbox.Subscribe(ctx, b.name)
		if err == nil {
			err = b.c.Login(ctx, b.name)
		}
		if err == nil {
			b.log.Debug("logged in")
			b.fails = 0
			return true
		}
		b.failed(ctx, "login", err)
	}
	return false
}

// pick returns a random existing channel, creating the default ones when
// there is none.
func (b *bot) pick(ctx context.Context) (string, error) {
	names, err := b.c.Channels(ctx)
	if err != nil {
		return "", err
	}
	if len(names) == 0 {
		names = b.create(ctx)
	}
	return names[rand.IntN(len(names))], nil
}

// create makes the default channels. Another bot may be doing the same:
// a channel that already exists is as good as one created.
func (b *bot) create(ctx context.Context) []string {
	for _, ch := range b.cfg.Channels {
		err := b.c.CreateChannelAs(ctx, b.name, ch)
		var re *client.ReplyError
		if err != nil && !errors.As(err, &re) {
			b.log.Warn("create channel", "channel", ch, "err", err)
		}
	}
	b.log.Info("no channels found: created the defaults", "channels", b.cfg.Channels)
	return b.cfg.Channels
}

// send publishes the bot's next message to channel, paced to the rate.
func (b *bot) send(ctx context.Context, channel string) {
	if !sleep(ctx, b.pace.delay(time.Now())) {
		return
	}
	b.n++
	b.st.sent.Add(1)
	start := time.Now()
	ack, err := b.c.Publish(ctx, b.name, channel, text(b.name, b.n, b.cfg.Size))
	if err != nil {
		if ctx.Err() == nil {
			b.st.errors.Add(1)
			b.failed(ctx, "publish", err)
		}
		return
	}
	now := time.Now()
	b.st.ack(now, now.Sub(start))
	if b.cfg.RecordAcks {
		b.st.acks = append(b.st.acks, Acked{Bot: b.name, Channel: channel, ID: ack.ID})
	}
	b.fails = 0
}

// failed logs a failed request (the first of a streak loudly: a hundred
// bots failing together would drown the log) and backs off. A request
// cut short by the end of the run is no failure.
func (b *bot) failed(ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	b.fails++
	level := slog.LevelDebug
	if b.fails == 1 {
		level = slog.LevelWarn
	}
	b.log.Log(ctx, level, what+" failed", "err", err, "consecutive", b.fails)
	sleep(ctx, backoff(b.fails))
}

// backoff is the pause after n consecutive failures: 50ms doubling to 1.6s.
func backoff(n int) time.Duration {
	return 50 * time.Millisecond << min(max(n-1, 0), 5)
}

// sleep waits d, reporting false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
