package auth

import (
	"log/slog"
	"sync"

	zmq "github.com/pebbe/zmq4"
)

// zapEndpoint is where libzmq looks for the ZAP handler of a context.
const zapEndpoint = "inproc://zeromq.zap.01"

// handlers holds the running ZAP handler of each context that has CURVE
// servers. Components of one process (tests run several) share their
// context's handler; the last to release it stops it.
var handlers = struct {
	sync.Mutex
	byContext map[*zmq.Context]*handler
}{byContext: map[*zmq.Context]*handler{}}

// registration is one domain's policy in a handler, counted by the
// sockets that use it.
type registration struct {
	policy Policy
	what   string // the endpoints it guards, for the refusals' log line
	log    *slog.Logger
	refs   int
}

// acquire makes sure zctx has a running handler that applies policy to
// domain, and returns the function that gives the registration back. A
// domain names its policy (the cluster's is derived from its key): one
// registered again keeps its first policy. what names the endpoints the
// domain guards in the log lines of refusals.
func acquire(zctx *zmq.Context, domain, what string, policy Policy, log *slog.Logger) (release func(), err error) {
	handlers.Lock()
	defer handlers.Unlock()
	h := handlers.byContext[zctx]
	if h == nil {
		if h, err = startHandler(zctx, log); err != nil {
			return nil, err
		}
		handlers.byContext[zctx] = h
	}
	h.register(domain, what, policy, log)
	var once sync.Once
	return func() { once.Do(func() { releaseDomain(zctx, h, domain) }) }, nil
}

func releaseDomain(zctx *zmq.Context, h *handler, domain string) {
	handlers.Lock()
	defer handlers.Unlock()
	h.unregister(domain)
	if h.empty() {
		h.stop()
		delete(handlers.byContext, zctx)
	}
}

// register adds a reference to domain's registration.
func (h *handler) register(domain, what string, policy Policy, log *slog.Logger) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r, ok := h.domains[domain]; ok {
		r.refs++
		return
	}
	h.domains[domain] = &registration{policy: policy, what: what, log: log, refs: 1}
}

func (h *handler) unregister(domain string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.domains[domain]; r != nil {
		if r.refs--; r.refs == 0 {
			delete(h.domains, domain)
		}
	}
}

func (h *handler) empty() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.domains) == 0
}
