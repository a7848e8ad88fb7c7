package auth

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/zmqx"
)

// recheck bounds how long a lost ZMQ_FD edge could delay a handshake (a
// safety net, as in internal/transport) and how often suppressed
// refusals are summed up.
const recheck = 100 * time.Millisecond

// Refusals logged one by one: refusalBurst per refusalWindow.
const (
	refusalWindow = time.Minute
	refusalBurst  = 10
)

// handler is the ZAP handler of one context. Its goroutine owns the REP
// socket bound at zapEndpoint; registrations reach it through mu.
type handler struct {
	mu       sync.Mutex
	domains  map[string]*registration
	log      *slog.Logger // for requests of a domain nobody registered
	throttle *throttle    // owned by the goroutine
	quit     chan struct{}
	done     chan struct{}
}

// startHandler binds the handler's socket in zctx (so that it is in place
// when acquire returns) and hands it to the handler's goroutine.
func startHandler(zctx *zmq.Context, log *slog.Logger) (*handler, error) {
	rep, err := zctx.NewSocket(zmq.REP)
	if err != nil {
		return nil, fmt.Errorf("ZAP handler socket: %w", err)
	}
	if err := rep.SetLinger(0); err != nil {
		rep.Close()
		return nil, fmt.Errorf("ZAP handler socket: %w", err)
	}
	if err := rep.Bind(zapEndpoint); err != nil {
		rep.Close()
		return nil, fmt.Errorf("bind the ZAP handler (another one in this context?): %w", err)
	}
	watch, err := zmqx.NewWatch(rep)
	if err != nil {
		rep.Close()
		return nil, err
	}
	h := &handler{domains: map[string]*registration{}, log: orDefault(log),
		throttle: newThrottle(refusalWindow, refusalBurst), quit: make(chan struct{}), done: make(chan struct{})}
	go h.own(rep, watch)
	return h, nil
}

// stop ends the goroutine, which closes the socket.
func (h *handler) stop() {
	close(h.quit)
	<-h.done
}

// own answers requests until stop, or until the context terminates.
func (h *handler) own(rep *zmq.Socket, watch *zmqx.Watch) {
	defer close(h.done)
	defer rep.Close()
	// Unbind first: Close frees the inproc endpoint only later, in
	// libzmq's reaper thread, and a handler started right after this one
	// stops must be able to bind it.
	defer rep.Unbind(zapEndpoint)
	defer watch.Close()
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		if !h.answerWaiting(rep) {
			return
		}
		select {
		case <-h.quit:
			return
		case <-watch.C:
		case <-tick.C:
			h.reportSuppressed(time.Now())
		}
	}
}

// answerWaiting answers every request that waits (looking before every
// wait: a send may consume the edge that announced a request). It returns
// false when the context is terminating.
func (h *handler) answerWaiting(rep *zmq.Socket) bool {
	for {
		frames, err := rep.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return zmq.AsErrno(err) != zmq.ETERM
		}
		if _, err := rep.SendMessageDontwait(h.answer(frames)); err != nil {
			h.log.Error("ZAP reply not sent", "err", err)
		}
	}
}

// answer decides one request and returns the reply's frames.
func (h *handler) answer(frames [][]byte) []string {
	req, err := parseRequest(frames)
	if err != nil {
		h.log.Error("ZAP handler", "err", err)
		return failureFrames(frames)
	}
	policy, what, log := h.policyOf(req.Domain)
	d := decide(policy, req)
	if !d.Allow {
		h.logRefusal(log, what, req, d)
	}
	return replyFrames(req.ID, d)
}

func (h *handler) policyOf(domain string) (p Policy, what string, log *slog.Logger) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.domains[domain]; r != nil {
		return r.policy, r.what, orDefault(r.log)
	}
	return nil, memberEndpoints, h.log
}

func (h *handler) logRefusal(log *slog.Logger, what string, r Request, d Decision) {
	if !h.throttle.allow(time.Now()) {
		return
	}
	attrs := []any{"address", r.Address, "mechanism", r.Mechanism, "reason", d.Reason, "domain", shortDomain(r.Domain)}
	if key, reason := curveClientKey(r); reason == "" {
		attrs = append(attrs, "client_key", zmq.Z85encode(string(key)))
	}
	log.Warn("refused a connection to "+what, attrs...)
}

func (h *handler) reportSuppressed(now time.Time) {
	if n := h.throttle.flush(now); n > 0 {
		h.log.Warn("refused more connections (not logged one by one)",
			"count", n, "window", refusalWindow)
	}
}

// shortDomain keeps logs readable: the domain with the start of its key.
func shortDomain(d string) string {
	if len(d) > 24 {
		return d[:24] + "…"
	}
	return d
}
