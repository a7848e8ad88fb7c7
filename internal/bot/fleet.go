package bot

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zchat/internal/client"
)

// Run runs cfg.Count bots until ctx ends, cfg.Duration passes, or every bot
// has sent cfg.Messages, and reports what they did. It fails only on a
// bad configuration: the cluster's failures are counted and logged.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return Report{}, err
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	f := newFleet(cfg)
	r := f.run(ctx)
	f.close()
	r.Echoed = f.echoed.Load() // the echoes under way when the bots stopped are done
	return r, nil
}

// fleet is the bots of one process and their clients: one per bot for
// the requests (or one for all with cfg.Shared). On the open ports one
// more client follows every bot's name and answers the echoes: a
// subscription costs the client a SUB socket, a monitor and a goroutine
// polling them, and shared, 100 idle bots cost a few percent of a core
// less. On the secure ports each client has an ephemeral key of its own,
// which claims the names of its bots when they log in; only that key
// receives their private messages, so each client follows its own bots.
type fleet struct {
	cfg     Config
	clients []*client.Client // the bots' requests, and the inbox
	bots    []*bot
	echoed  atomic.Int64
	quit    chan struct{}      // closed: the echoes take no more messages
	stop    context.CancelFunc // ends the echoes' requests
	echoes  sync.WaitGroup
}

// echoGrace is how long the echoes under way get to finish at the end.
const echoGrace = time.Second

func newFleet(cfg Config) *fleet {
	n := cfg.Count
	if cfg.Shared {
		n = 1
	}
	echoCtx, stop := context.WithCancel(context.Background())
	f := &fleet{cfg: cfg, quit: make(chan struct{}), stop: stop}
	for range n {
		f.clients = append(f.clients, client.New(cfg.Client))
	}
	inbox := func(i int) *client.Client { return f.clients[i%n] } // the bot's own key follows its name
	if !cfg.Shared && cfg.Client.Secure == nil {
		shared := client.New(cfg.Client)
		f.clients = append(f.clients, shared) // closed with the others
		inbox = func(int) *client.Client { return shared }
	}
	followers := map[*client.Client]bool{}
	for i := range cfg.Count {
		f.bots = append(f.bots, newBot(cfg, f.clients[i%n], inbox(i)))
		followers[inbox(i)] = true
	}
	for c := range followers {
		f.echoes.Go(func() { f.echo(echoCtx, c) })
	}
	return f
}

func (f *fleet) run(ctx context.Context) Report {
	start, cpu := time.Now(), cpuTime()
	for _, b := range f.bots {
		b.st.start = start
	}
	f.cfg.Logger.Info("bots starting", "count", len(f.bots), "clients", len(f.clients),
		"rate", f.cfg.Rate, "size", f.cfg.Size, "duration", f.cfg.Duration, "messages", f.cfg.Messages)
	stopProgress := f.progress(start)
	var wg sync.WaitGroup
	for _, b := range f.bots {
		wg.Go(func() { b.run(ctx) })
	}
	wg.Wait()
	stopProgress()
	return report(f.bots, time.Since(start), cpuTime()-cpu, 0)
}

// close lets the echoes under way finish (for a while), then closes the
// clients.
func (f *fleet) close() {
	close(f.quit)
	finished := make(chan struct{})
	go func() { f.echoes.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(echoGrace):
		f.stop()
		<-finished
	}
	f.stop()
	for _, c := range f.clients {
		_ = c.Close()
	}
}

// echo answers the private messages that reach the bots ("echo: <text>").
// The client delivers exactly the topics subscribed, the bots' names, so
// the topic is the bot addressed. Echoes are never echoed, so two bots
// cannot keep each other busy.
func (f *fleet) echo(ctx context.Context, c *client.Client) {
	for {
		select {
		case <-f.quit:
			return
		case m := <-c.Messages():
			f.answer(ctx, c, m)
		}
	}
}

func (f *fleet) answer(ctx context.Context, c *client.Client, m client.Message) {
	if !m.Private || m.User == m.Topic || strings.HasPrefix(m.Text, "echo: ") {
		return
	}
	if _, err := c.Send(ctx, m.Topic, m.User, "echo: "+m.Text); err != nil {
		f.cfg.Logger.Warn("echo failed", "bot", m.Topic, "to", m.User, "err", err)
		return
	}
	f.echoed.Add(1)
}

// progress logs the totals every cfg.Progress until the returned function
// is called.
func (f *fleet) progress(start time.Time) (stop func()) {
	if f.cfg.Progress < 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(f.cfg.Progress)
		defer t.Stop()
		var last int64
		for {
			select {
			case <-done:
				return
			case <-t.C:
				last = f.logProgress(start, last)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

func (f *fleet) logProgress(start time.Time, lastAcked int64) int64 {
	var sent, acked, errs int64
	for _, b := range f.bots {
		sent, acked, errs = sent+b.st.sent.Load(), acked+b.st.acked.Load(), errs+b.st.errors.Load()
	}
	f.cfg.Logger.Info("bots progress", "elapsed", time.Since(start).Round(time.Second), "sent", sent,
		"acked", acked, "errors", errs, "echoed", f.echoed.Load(),
		"rate", float64(acked-lastAcked)/f.cfg.Progress.Seconds())
	return acked
}
