package bench

import (
	"context"
	"log/slog"
	"strings"

	"zchat"
	"zchat/internal/store"
)

// FillOrigin is the origin of the events Fill writes: a replica that is
// not part of the cluster, as if its events had been replicated earlier.
const FillOrigin = "benchfill.0"

// fillUsers is how many users post the filled posts.
const fillUsers = 64

// fillNames are the users and channels of a fill: the run's channels and
// fillUsers users of the run's prefix, whatever the number of clients.
func fillNames(cfg *Config) names { return newNames(cfg.Prefix, fillUsers, cfg.Channels) }

// fillEvents is how many events a fill writes: logins, channels, posts.
func fillEvents(cfg *Config) int64 {
	return int64(fillUsers + cfg.Channels + cfg.Spawn.Fill)
}

// fillBatch is how many events one Apply (one transaction) carries.
const fillBatch = 10_000

// fillTime is the time of the first filled event (2025-01-01); each next
// one is a millisecond later, so that every filled replica holds the same
// events.
const fillTime = 1735689600.0

// fillStore writes posts posts (spread over the channels of n) into the
// store in dir, preceded by the logins of n's users and the creation of
// its channels, all from FillOrigin. It writes through store.Apply in large
// batches, the way replication does.
func fillStore(ctx context.Context, dir string, posts int, n names, size int) error {
	st, err := store.Open(dir, "fill", store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	g := &filler{n: n, text: strings.Repeat("x", size)}
	batch := g.preamble()
	for range posts {
		batch = append(batch, g.post())
		if len(batch) == fillBatch {
			if _, err := st.Apply(ctx, batch); err != nil {
				st.Close()
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if _, err := st.Apply(ctx, batch); err != nil {
			st.Close()
			return err
		}
	}
	return st.Close()
}

// filler numbers the events of one fill.
type filler struct {
	n     names
	text  string
	seq   uint64
	posts int
}

func (g *filler) next(kind zchat.Kind, user, target, text string) zchat.Event {
	g.seq++
	return zchat.Event{Origin: FillOrigin, Seq: g.seq, Clock: g.seq, Time: fillTime + float64(g.seq)/1000,
		Kind: kind, User: user, Target: target, Text: text}
}

func (g *filler) preamble() []zchat.Event {
	evs := make([]zchat.Event, 0, fillBatch)
	for _, u := range g.n.users {
		evs = append(evs, g.next(zchat.KindLogin, u, "", ""))
	}
	for _, c := range g.n.channels {
		evs = append(evs, g.next(zchat.KindChannel, g.n.users[0], c, ""))
	}
	return evs
}

func (g *filler) post() zchat.Event {
	user := g.n.users[g.posts%len(g.n.users)]
	channel := g.n.channels[g.posts%len(g.n.channels)]
	g.posts++
	return g.next(zchat.KindPost, user, channel, g.text)
}
