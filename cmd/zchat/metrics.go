package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"zchat/internal/metrics"
)

// MetricsFlag is the --metrics flag of the long-running components.
type MetricsFlag struct {
	Metrics string `placeholder:"ADDR" help:"Serve Prometheus /metrics, /healthz and /debug/pprof/ on this address (e.g. 127.0.0.1:9100; empty: off)."`
}

// withMetrics runs run with a metrics endpoint, served on --metrics while
// run runs; the endpoint is nil when the flag is empty.
func (f MetricsFlag) withMetrics(log *slog.Logger, run func(*metrics.Endpoint) error) error {
	if f.Metrics == "" {
		return run(nil)
	}
	ep := metrics.New()
	l, err := ep.Listen(f.Metrics, log)
	if err != nil {
		return err
	}
	defer l.Close()
	return run(ep)
}

// HealthCmd asks a component's /healthz, for container health checks (the
// runtime image has no curl). It reads the same --metrics (ZCHAT_METRICS)
// as the component, so a container's check needs no arguments.
type HealthCmd struct {
	Metrics string        `default:"127.0.0.1:9100" placeholder:"ADDR" help:"The component's --metrics address (a wildcard or empty host means this host)."`
	Timeout time.Duration `default:"3s" help:"How long to wait for the answer."`
}

func (c *HealthCmd) Run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	url := "http://" + localAddr(c.Metrics) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(os.Stdout, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// localAddr turns a listen address into one this host can dial.
func localAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
