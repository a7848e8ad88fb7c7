package client

import "time"

// Resumer is the pure bookkeeping behind lossless resume, one track per
// topic: which message ids were already shown (a bounded window, to drop
// live duplicates of what history returned and vice versa) and where
// history should resume (the positions of recent messages).
//
// It is not safe for concurrent use: a Session owns one in its goroutine.
type Resumer struct {
	opts   ResumeOptions
	tracks map[string]*track
}

// ResumeOptions tune a Resumer. Zero values take the defaults.
type ResumeOptions struct {
	// Backlog is how many messages of history the first subscription to a
	// topic shows; 0 shows none (live messages only).
	Backlog int
	// Window is how many ids (and positions) are kept per topic; default 1024.
	Window int
	// Overlap is how many already-seen messages a resume re-reads, so that a
	// message that sorts before the newest one seen (it was accepted by
	// another server and replicated late) is not skipped; default 16.
	Overlap int
	// PageSize is the history page size; default 100, at most 1000.
	PageSize int
	// Settle is when a Session catches up a second time after each
	// (re)connection to the proxy, for the messages that the servers
	// published before the proxy passed our subscriptions on to them (the
	// upstream slow joiner after a proxy restart); default 2s, negative
	// for never.
	Settle time.Duration
	// Every makes a Session catch up periodically, a safety net for
	// publications lost without any disconnection on our side (a server
	// that publishes before its own connection to the proxy is up); 0 for
	// never.
	Every time.Duration
}

func (o ResumeOptions) withDefaults() ResumeOptions {
	o.Backlog = max(o.Backlog, 0)
	o.Window = defaulted(o.Window, 1024)
	o.Overlap = defaulted(o.Overlap, 16)
	o.PageSize = min(defaulted(o.PageSize, 100), 1000)
	if o.Settle == 0 {
		o.Settle = 2 * time.Second
	}
	return o
}

func defaulted(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// NewResumer returns an empty Resumer.
func NewResumer(opts ResumeOptions) *Resumer {
	return &Resumer{opts: opts.withDefaults(), tracks: map[string]*track{}}
}

func (r *Resumer) track(topic string) *track {
	t := r.tracks[topic]
	if t == nil {
		t = newTrack(r.opts.Window)
		r.tracks[topic] = t
	}
	return t
}

// Accept records a live message and reports whether it is new and should
// be shown. Messages without an id are always new.
func (r *Resumer) Accept(m Message) bool {
	if m.ID == "" {
		return true
	}
	t := r.track(m.Topic)
	if t.seen(m.ID) {
		return false
	}
	t.show(m)
	return true
}
