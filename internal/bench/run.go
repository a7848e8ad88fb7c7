package bench

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Run performs one benchmark and returns its report. A cancelled ctx ends
// the measurement early; the report covers what was measured.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	n := newNames(cfg.Prefix, cfg.Clients, cfg.Channels)
	t, err := startTarget(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	defer t.stop()
	rep := newReport(&cfg)
	catchup := cfg.Spawn != nil && cfg.Spawn.Catchup
	if _, _, a := loadPorts(&cfg, t); a != nil && !cfg.Flood && !catchup {
		rep.Secure = true
		if cfg.Mix.Has(OpLogin) {
			// a login on the authenticated ports claims the name for the
			// client's ephemeral key: the next run needs names of its own
			n = n.ownUsers()
		}
	}
	if catchup {
		return rep, runCatchup(ctx, &cfg, t.(*clusterTarget), rep)
	}
	if cfg.Flood {
		n = newNames(cfg.Prefix, 2, 1) // the paced client and the flooder, one channel
		if err := setup(ctx, &cfg, t.frontend(), n); err != nil {
			return nil, err
		}
		return rep, runFlood(ctx, &cfg, t.(*clusterTarget), n, rep)
	}
	if !cfg.Echo {
		if err := setup(ctx, &cfg, t.frontend(), n); err != nil {
			return nil, err
		}
	}
	return rep, runLoad(ctx, &cfg, t, n, rep)
}

func startTarget(ctx context.Context, cfg *Config) (target, error) {
	switch {
	case cfg.Echo:
		if cfg.Spawn == nil {
			cfg.Spawn = &SpawnConfig{Servers: 3, InProcess: true}
		}
		return startEcho(ctx, cfg)
	case cfg.Spawn != nil:
		return spawnCluster(ctx, cfg)
	}
	if cfg.Open {
		return external{broker: cfg.Broker, proxy: cfg.Proxy}, nil
	}
	a, err := externalAccess(cfg)
	if err != nil {
		return nil, err
	}
	return external{broker: cfg.Broker, proxy: cfg.Proxy, access: a}, nil
}

func newReport(cfg *Config) *Report {
	r := &Report{
		Label: cfg.Label, Args: cfg.Args, Target: cfg.Broker, Clients: cfg.Clients,
		Subscribers: cfg.Subscribers, Mix: cfg.Mix.String(), Size: cfg.Size, Rate: cfg.Rate,
		LoadAvg: loadAvg(),
	}
	if s := cfg.Spawn; s != nil {
		r.Target, r.Servers, r.SyncReplicas, r.Fill, r.ServerEnv = "spawned", s.Servers, s.SyncReplicas, s.Fill, s.ServerEnv
		r.Insecure = s.InsecureCluster
	}
	if cfg.Echo {
		r.Target, r.Subscribers = "echo", 0
		if cfg.EchoRaw {
			r.Target = "echo-raw"
		}
	}
	return r
}

// setup logs every client's user in and creates the channels (an existing
// channel is fine), before anything is measured.
func setup(ctx context.Context, cfg *Config, frontend string, n names) error {
	start := time.Now()
	for _, u := range n.users {
		if err := setupCall(ctx, cfg, frontend, "login", map[string]any{"user": u}); err != nil {
			return err
		}
	}
	for _, c := range n.channels {
		err := setupCall(ctx, cfg, frontend, "channel", map[string]any{"user": n.users[0], "channel": c})
		if err != nil && !strings.Contains(err.Error(), "exists") {
			return err
		}
	}
	cfg.Logger.Info("setup done", "users", len(n.users), "channels", len(n.channels), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// setupCall sends one request, retrying on timeouts, and turns an "erro"
// reply into an error.
func setupCall(ctx context.Context, cfg *Config, frontend, service string, data map[string]any) error {
	var err error
	for attempt := 0; attempt <= cfg.Retries && ctx.Err() == nil; attempt++ {
		m, e := ask(frontend, service, data, cfg.Timeout)
		if e != nil {
			err = e
			continue
		}
		if st, _ := m.OptString("status"); st != "" && st != "OK" && st != "sucesso" {
			desc, _ := m.OptString("description")
			return fmt.Errorf("setup %s %v: %s: %s", service, data, st, desc)
		}
		return nil
	}
	return fmt.Errorf("setup %s %v: %w", service, data, err)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
