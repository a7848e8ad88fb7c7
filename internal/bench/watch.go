package bench

import (
	"context"
	"sync"
)

// watcher does what accompanies the measured span of a spawned cluster: a
// CPU profile of the servers and the kill of a failover trial. For other
// targets it does nothing.
type watcher struct {
	cfg      *Config
	cl       *clusterTarget
	coord    *coordWatch
	perf     *perfRun
	trial    *killTrial
	wg       sync.WaitGroup
	cancel   context.CancelFunc
	profile  string
	counters map[string]int64
	syscalls map[string]SyscallTime
}

func startWatch(cfg *Config, t target) (*watcher, error) {
	w := &watcher{cfg: cfg, cancel: func() {}}
	cl, ok := t.(*clusterTarget)
	if !ok {
		return w, nil
	}
	w.cl = cl
	if cfg.Spawn.Kill != "" {
		coord, err := watchCoordinator(cl.xpub())
		if err != nil {
			return nil, err
		}
		w.coord = coord
	}
	return w, nil
}

// begin starts the profile and schedules the kill.
func (w *watcher) begin(ctx context.Context, ctl *control) {
	if w.cl == nil {
		return
	}
	sc := w.cfg.Spawn
	if sc.Perf != "" {
		w.perf = startPerf(sc.Perf, w.cl.serverPids(), w.cfg.Logger)
	}
	if sc.Kill != "" {
		ctx, w.cancel = context.WithCancel(ctx)
		w.trial = &killTrial{cl: w.cl, name: sc.Kill, after: sc.KillAfter, coord: w.coord, log: w.cfg.Logger}
		w.wg.Go(func() { w.trial.run(ctx, ctl.measureStart()) })
	}
}

// end stops the profile and a kill that has not happened.
func (w *watcher) end() {
	w.cancel()
	w.wg.Wait()
	if w.trial != nil {
		w.trial.finish()
	}
	if w.perf != nil {
		w.profile, w.counters, w.syscalls = w.perf.stop()
	}
	if w.coord != nil {
		w.coord.stop()
	}
}

func (w *watcher) report(rep *Report) {
	rep.Profile, rep.Counters, rep.Syscalls = w.profile, w.counters, w.syscalls
	if w.trial != nil {
		rep.Failover = w.trial.result()
	}
}
