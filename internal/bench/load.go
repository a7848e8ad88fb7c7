package bench

import (
	"context"
	"sync"
	"time"
)

// deliveryGrace is how long subscribers keep listening after the measured
// span, for the publications of its last requests.
const deliveryGrace = 300 * time.Millisecond

// runLoad runs the clients and subscribers through warmup and the measured
// span and fills rep.
func runLoad(ctx context.Context, cfg *Config, t target, n names, rep *Report) error {
	ctl := newControl(cfg)
	front, xpub, secure := loadPorts(cfg, t)
	subs, stopSubs, err := startSubscribers(cfg, xpub, secure, n, ctl)
	if err != nil {
		return err
	}
	watch, err := startWatch(cfg, t)
	if err != nil {
		stopSubs()
		return err
	}
	live := &liveCounters{}
	clients := make([]*client, cfg.Clients)
	var wg sync.WaitGroup
	for i := range clients {
		key, err := secure.socketKey()
		if err != nil {
			stopSubs()
			return err
		}
		clients[i] = newClient(cfg, n, i, front, ctl, live)
		clients[i].conn.curve = key
		wg.Go(clients[i].run)
	}
	stopProgress := startProgress(cfg.Progress, live, ctl)
	sleep(ctx, cfg.Warmup)
	span, procs := measure(ctx, cfg, t, ctl, &wg, watch)
	stopProgress()
	wg.Wait()
	time.Sleep(deliveryGrace)
	stopSubs()
	rep.fill(results{clients: clients, subs: subs, span: span, gap: ctl.longestGap(span)})
	rep.Processes = procs
	watch.report(rep)
	if cl, ok := t.(*clusterTarget); ok {
		rep.StoreHistory = cl.storeHistory
	}
	return nil
}

// measure runs the measured span and returns its length and the processes'
// resource use during it.
func measure(ctx context.Context, cfg *Config, t target, ctl *control, wg *sync.WaitGroup, watch *watcher) (time.Duration, []ProcStat) {
	before := sampleProcs(t)
	start := time.Now()
	ctl.startMeasuring(start)
	watch.begin(ctx, ctl)
	if cfg.Requests > 0 {
		waitOrCancel(ctx, wg)
	} else {
		sleep(ctx, cfg.Duration)
	}
	end := time.Now()
	ctl.stop(end)
	procs := procStats(before, sampleProcs(t), end.Sub(start))
	watch.end()
	return end.Sub(start), procs
}

// waitOrCancel waits for the clients to use up their quota, or for ctx.
func waitOrCancel(ctx context.Context, wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// startSubscribers connects cfg.Subscribers SUB sockets (each in its own
// goroutine) to the channels and, when private messages are sent, to the
// users of the run.
func startSubscribers(cfg *Config, endpoint string, secure *access, n names, ctl *control) ([]*subscriber, func(), error) {
	if cfg.Subscribers == 0 || endpoint == "" {
		return nil, func() {}, nil
	}
	topics := append([]string{}, n.channels...)
	if cfg.Mix.Has(OpMessage) {
		topics = append(topics, n.users...)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	subs := make([]*subscriber, cfg.Subscribers)
	errs := make(chan error, len(subs))
	for i := range subs {
		key, err := secure.socketKey()
		if err != nil {
			return nil, nil, err
		}
		s := &subscriber{endpoint: endpoint, curve: key, topics: topics, ctl: ctl, hist: NewLatency()}
		subs[i] = s
		wg.Go(func() {
			err := s.connect()
			errs <- err
			if err == nil {
				s.run(done)
			}
		})
	}
	stop := func() { close(done); wg.Wait() }
	for range subs {
		if err := <-errs; err != nil {
			stop()
			return nil, nil, err
		}
	}
	time.Sleep(100 * time.Millisecond) // let the subscriptions reach the proxy
	return subs, stop, nil
}
