package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Endpoint is one component's metrics registry and health checks.
type Endpoint struct {
	Registry *prometheus.Registry
	Health   *Health
}

// New returns an endpoint whose registry already holds the Go runtime and
// process collectors.
func New() *Endpoint {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Endpoint{Registry: reg, Health: &Health{}}
}

// Handler serves /metrics, /healthz and /debug/pprof/.
func (e *Endpoint) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(e.Registry, promhttp.HandlerOpts{Registry: e.Registry}))
	mux.Handle("/healthz", e.Health)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// Listener is a running HTTP listener of an Endpoint.
type Listener struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// Listen binds addr (host:port; port 0 picks a free one) and serves the
// endpoint until Close. Binding happens before it returns, so a busy port
// is reported at once.
func (e *Endpoint) Listen(addr string, log *slog.Logger) (*Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	l := &Listener{
		srv:  &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 5 * time.Second},
		addr: ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
			log.Warn("metrics listener stopped", "err", err)
		}
	}()
	if log != nil {
		log.Info("metrics listening", "addr", l.addr)
	}
	return l, nil
}

// Addr is the bound address (with the real port when 0 was asked).
func (l *Listener) Addr() string { return l.addr }

// Close stops the listener, letting in-flight scrapes finish for a moment.
func (l *Listener) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	if err != nil {
		l.srv.Close()
	}
	<-l.done
	return err
}
