package fault_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zchat/internal/wire"
)

// attemptTimeout is how long a driver waits for one reply: longer than
// the servers' --sync-timeout (2s), so that a slow replication answers
// erro instead of looking like a lost request.
const attemptTimeout = 3 * time.Second

// ack is one acknowledged post: its text (unique, also its request id),
// channel and the server that answered OK.
type ack struct {
	text, channel, server string
}

// load is a set of drivers posting uniquely numbered messages through the
// broker, recording what was attempted and what was acknowledged. Each
// post is retried with the same request_id until it is acknowledged, so
// that retries never duplicate.
type load struct {
	t        testing.TB
	frontend string
	channels []string
	onAck    func(ack) // called by the driver goroutine for each ack
	stop     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	sent     map[string]bool
	acked    []ack
	count    atomic.Int64
	retries  atomic.Int64
	erros    atomic.Int64 // erro replies, e.g. a sync-replicas timeout
	reasons  map[string]int
	start    time.Time
}

func startLoad(t testing.TB, frontend string, drivers int, channels []string, onAck func(ack)) *load {
	l := &load{t: t, frontend: frontend, channels: channels, onAck: onAck,
		stop: make(chan struct{}), sent: map[string]bool{}, reasons: map[string]int{}, start: time.Now()}
	for id := range drivers {
		l.wg.Go(func() { l.drive(id) })
	}
	t.Cleanup(l.halt)
	return l
}

// drive logs in one user and posts until stopped, round-robin over the
// channels.
func (l *load) drive(id int) {
	r := newRequester(l.frontend, attemptTimeout)
	defer r.close()
	user := fmt.Sprintf("driver%d", id)
	if _, ok := l.retry(r, "login", map[string]any{"user": user}); !ok {
		return
	}
	for n := 0; ; n++ {
		text := fmt.Sprintf("d%d-%d", id, n)
		ch := l.channels[n%len(l.channels)]
		l.markSent(text)
		data := map[string]any{"user": user, "channel": ch, "message": text, "request_id": text}
		m, ok := l.retry(r, "publish", data)
		if !ok {
			return
		}
		server, _ := m.OptString("server")
		l.record(ack{text: text, channel: ch, server: server})
	}
}

// retry repeats a request (same data, same request id) until it is
// answered with success, or until the load stops.
func (l *load) retry(r *requester, service string, data map[string]any) (wire.Message, bool) {
	for attempt := 0; ; attempt++ {
		if l.stopped() {
			return wire.Message{}, false
		}
		if attempt > 0 {
			l.retries.Add(1)
		}
		m, err := r.call(service, data)
		status, _ := m.OptString("status")
		switch {
		case err == nil && (status == wire.StatusOK || status == wire.StatusSuccess):
			return m, true
		case err == nil:
			l.erro(m)
			time.Sleep(20 * time.Millisecond) // back off: the cluster is unwell
		}
	}
}

// erro counts an erro reply by its reason.
func (l *load) erro(m wire.Message) {
	l.erros.Add(1)
	reason, _ := m.OptString("description")
	l.mu.Lock()
	l.reasons[reason]++
	l.mu.Unlock()
}

func (l *load) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

func (l *load) markSent(text string) {
	l.mu.Lock()
	l.sent[text] = true
	l.mu.Unlock()
}

func (l *load) record(a ack) {
	l.mu.Lock()
	l.acked = append(l.acked, a)
	l.mu.Unlock()
	l.count.Add(1)
	if l.onAck != nil {
		l.onAck(a)
	}
}

// progress waits until n more posts than now are acknowledged: the
// cluster serves writes.
func (l *load) progress(n int, within time.Duration) {
	l.t.Helper()
	target := l.count.Load() + int64(n)
	waitFor(l.t, within, fmt.Sprintf("%d more acknowledged posts", n), func() bool {
		return l.count.Load() >= target
	})
	l.t.Logf("%6.1fs: %d posts acknowledged", time.Since(l.start).Seconds(), l.count.Load())
}

// halt stops the drivers and waits for them; a request in flight is given
// up (it is neither acknowledged nor lost: the checker allows it).
func (l *load) halt() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
}

// results returns what was sent and acknowledged; call after halt.
func (l *load) results() (map[string]bool, []ack) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent, l.acked
}

func (l *load) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("%d acknowledged, %d retries, %d erro replies %v", l.count.Load(), l.retries.Load(), l.erros.Load(), l.reasons)
}
