package proxy

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"time"

	zmq "github.com/pebbe/zmq4"
	"golang.org/x/time/rate"

	"zchat/internal/auth"
	"zchat/internal/metrics"
	"zchat/internal/wire"
	"zchat/internal/zmqx"
)

// maxFrames bounds the frames of one message the loop keeps: a
// publication is [topic, payload], a subscription one frame.
const maxFrames = 8

// batch is how many messages the loop moves from one socket before it
// turns to the others, so that none starves.
const batch = 256

// maxRounds bounds a pass, so that the loop sees ctx between passes.
const maxRounds = 16

// recheck bounds the wait for a lost ZMQ_FD signal (see zmqx.Poller);
// with the loop's rules none is lost, so this is only a safety net.
const recheck = 100 * time.Millisecond

// privatePrefix is wire.PrivatePrefix as bytes, to test topics without
// converting them.
var privatePrefix = []byte(wire.PrivatePrefix)

// loop is the proxy's forwarding loop. The goroutine that calls run owns
// every socket until it returns.
type loop struct {
	xsub, open *zmq.Socket
	secure     *zmq.Socket // nil: no secure XPUB
	stats      *metrics.Proxy
	log        *slog.Logger
	logRefusal rate.Sometimes // a flood of refusals logs a line a minute

	in                      [][]byte // receive buffer, reused
	xsubDirty, openDirty    bool     // may have messages the loop has not looked for
	secureDirty             bool
	relayedMsgs, relayedLen int // since the last flush
}

func newLoop(xsub, open, secure *zmq.Socket, stats *metrics.Proxy, log *slog.Logger) *loop {
	return &loop{xsub: xsub, open: open, secure: secure, stats: stats, log: log,
		logRefusal: rate.Sometimes{First: 10, Interval: time.Minute}, in: make([][]byte, 0, maxFrames)}
}

// run forwards until ctx is done. It looks at every socket before every
// wait, because any call on a socket may consume the ZMQ_FD edge that
// announced a message.
func (l *loop) run(ctx context.Context) error {
	socks := []*zmq.Socket{l.xsub, l.open}
	if l.secure != nil {
		socks = append(socks, l.secure)
	}
	poller, err := zmqx.NewPoller(ctx, socks...)
	if err != nil {
		return err
	}
	defer poller.Close()
	for ctx.Err() == nil {
		if !l.pass() {
			poller.Wait(recheck)
		}
	}
	return nil
}

// pass moves what is ready and reports whether the loop must look again
// before it may wait. As in the broker's loop, a socket is clean when the
// last call on it was a receive that found nothing (which re-arms its
// ZMQ_FD signal) and sending on it makes it dirty again; the loop waits
// only when every socket is clean.
func (l *loop) pass() bool {
	defer l.flush()
	l.xsubDirty, l.openDirty, l.secureDirty = true, true, l.secure != nil
	for range maxRounds {
		if l.xsubDirty {
			l.xsubDirty = !l.publications()
		}
		if l.openDirty {
			l.openDirty = !l.openSubscriptions()
		}
		if l.secureDirty {
			l.secureDirty = !l.secureSubscriptions()
		}
		if !l.xsubDirty && !l.openDirty && !l.secureDirty {
			return false
		}
	}
	return true
}

// publications forwards the servers' publications to the XPUBs, private
// topics to the secure one only, and reports whether it stopped because
// none was left. An XPUB never blocks: a subscriber at its high-water
// mark misses the publication.
func (l *loop) publications() (drained bool) {
	for range batch {
		frames, size, err := zmqx.RecvFrames(l.xsub, l.in, maxFrames)
		if err == zmqx.ErrTooManyFrames {
			continue // not a publication; members send none such
		}
		if err != nil {
			return true
		}
		if !bytes.HasPrefix(frames[0], privatePrefix) {
			zmqx.SendFrames(l.open, frames)
			l.openDirty = true
		}
		if l.secure != nil {
			zmqx.SendFrames(l.secure, frames)
			l.secureDirty = true
		}
		l.count(size)
	}
	return false
}

// openSubscriptions reads and drops the open XPUB's subscription
// messages (libzmq has applied them) and reports whether none is left.
func (l *loop) openSubscriptions() (drained bool) {
	for range batch {
		_, size, err := zmqx.RecvFrames(l.open, l.in, maxFrames)
		if err != nil && err != zmqx.ErrTooManyFrames {
			return true
		}
		l.count(size)
	}
	return false
}

// secureSubscriptions applies the policy to each message of the secure
// XPUB and reports whether none is left. In manual mode a subscription
// set on the XPUB goes to the connection whose message was read last, so
// each is applied before the next is read.
func (l *loop) secureSubscriptions() (drained bool) {
	for range batch {
		first, meta, err := l.secure.RecvBytesWithMetadata(zmq.DONTWAIT, auth.UserIDProperty)
		if err != nil {
			return true
		}
		frames, size, err := zmqx.RecvRest(l.secure, append(l.in[:0], first), maxFrames)
		l.count(size)
		if err != nil || len(frames) != 1 {
			continue // not a subscription
		}
		l.apply(judge(first, meta[auth.UserIDProperty]), meta[auth.UserIDProperty])
	}
	return false
}

// apply carries out a verdict on the secure XPUB.
func (l *loop) apply(v verdict, key string) {
	if v.refused != "" {
		l.refused(v, key)
		return
	}
	if !v.apply {
		return
	}
	set, what := l.secure.SetUnsubscribe, "unsubscribe"
	if v.subscribe {
		set, what = l.secure.SetSubscribe, "subscribe"
	}
	if err := set(v.topic); err != nil {
		l.log.Error("secure XPUB: "+what, "topic", printable(v.topic), "err", err)
	}
}

func (l *loop) refused(v verdict, key string) {
	switch v.refused {
	case refusedEverything:
		l.stats.RefusedEverything.Inc()
	case refusedPrivate:
		l.stats.RefusedPrivate.Inc()
	default:
		l.stats.RefusedAnonymous.Inc()
	}
	l.logRefusal.Do(func() {
		l.log.Warn("refused a subscription on the secure XPUB (at most 10 logged, then one a minute)",
			"reason", v.refused, "topic", printable(v.topic), "client_key", key)
	})
}

// printable quotes a topic for the log, cut to a readable length.
func printable(topic string) string {
	const max = 64
	if len(topic) > max {
		return strconv.Quote(topic[:max]) + "…"
	}
	return strconv.Quote(topic)
}

func (l *loop) count(size int) {
	l.relayedMsgs++
	l.relayedLen += size
}

// flush reports the counts gathered since the last flush.
func (l *loop) flush() {
	if l.relayedMsgs > 0 {
		l.stats.Forwarded.ObserveBatch(l.relayedMsgs, l.relayedLen)
		l.relayedMsgs, l.relayedLen = 0, 0
	}
}
