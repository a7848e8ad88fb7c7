package broker

import (
	"hash/maphash"
	"math"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"
)

// maxTracked bounds the connections the limiter remembers at once. A
// bucket costs about 200 bytes, so the table stays under ~15 MB however
// many connections come and go; libzmq's own state per connection (pipes,
// buffers) is far larger, and the process's descriptor limit caps live
// connections well below this anyway.
const maxTracked = 1 << 16

// sweepEvery is how often allow also forgets idle buckets.
const sweepEvery = time.Second

// limiter is a token bucket per client connection, keyed by the ROUTER's
// routing id, or per user, keyed by the user's public key (hashed with a
// per-process random seed, so a client choosing its own id cannot aim at
// another's bucket). It is not safe for
// concurrent use: the broker's loop owns it. Time is passed in, so its
// decisions are a pure function of the calls made.
//
// Memory is bounded twice. A bucket left alone for burst/rate is full
// again, exactly like a fresh one, so forgetting it changes no decision:
// idle connections' state expires after that long. And the table is an
// LRU of at most capacity entries, so a flood of new connections evicts
// the least recently active buckets instead of growing it; an evicted
// connection only gets a fresh (full) bucket if it comes back.
type limiter struct {
	every     rate.Limit
	burst     int
	idle      time.Duration
	seed      maphash.Seed
	conns     *simplelru.LRU[uint64, *bucket]
	lastSweep time.Time
}

type bucket struct {
	tokens *rate.Limiter
	seen   time.Time
}

// newLimiter allows each connection perSecond requests on average and
// burst at once; nil (no limit) when perSecond <= 0.
func newLimiter(perSecond float64, burst, capacity int) *limiter {
	if perSecond <= 0 {
		return nil
	}
	burst = max(burst, 1)
	conns, err := simplelru.NewLRU[uint64, *bucket](max(capacity, 1), nil)
	if err != nil {
		panic(err) // only for a size below 1, excluded above
	}
	idle := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &limiter{every: rate.Limit(perSecond), burst: burst, idle: idle, seed: maphash.MakeSeed(), conns: conns}
}

// allow takes a token from connection id's bucket at now. When none is
// left it refuses and says how long until the next token.
func (l *limiter) allow(id []byte, now time.Time) (ok bool, wait time.Duration) {
	return take(now, l.bucket(id, now))
}

// bucket is id's token bucket at now, a full one if id has none.
func (l *limiter) bucket(id []byte, now time.Time) *rate.Limiter {
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.sweep(now)
	}
	key := maphash.Bytes(l.seed, id)
	b, found := l.conns.Get(key)
	if !found {
		b = &bucket{tokens: rate.NewLimiter(l.every, l.burst)}
		l.conns.Add(key, b)
	}
	b.seen = now
	return b.tokens
}

// take takes a token from every bucket at now, or from none: a request
// that one of them refuses costs the others nothing. When refusing it says
// how long until each has a token again.
func take(now time.Time, buckets ...*rate.Limiter) (ok bool, wait time.Duration) {
	for _, b := range buckets {
		if missing := 1 - b.TokensAt(now); missing > 0 {
			wait = max(wait, time.Duration(math.Ceil(missing/float64(b.Limit())*float64(time.Second))))
		}
	}
	if wait > 0 {
		return false, wait
	}
	for _, b := range buckets {
		b.AllowN(now, 1)
	}
	return true, 0
}

// sweep forgets the buckets idle for burst/rate or longer: they are full.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	for {
		_, b, ok := l.conns.GetOldest()
		if !ok || now.Sub(b.seen) < l.idle {
			return
		}
		l.conns.RemoveOldest()
	}
}

// tracked is the number of connections with a bucket.
func (l *limiter) tracked() int { return l.conns.Len() }

// retryAfter renders a wait for the refusal text: whole milliseconds,
// rounded up, at least 1.
func retryAfter(wait time.Duration) int64 {
	return max(1, (wait + time.Millisecond - 1).Milliseconds())
}
