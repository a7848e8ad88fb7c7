package conformance

import (
	"context"
	"time"
)

// All returns every check, in the order they run.
func All() []Check {
	var all []Check
	for _, group := range [][]Check{servicesChecks(), consistencyChecks(), pubsubChecks(), errorChecks(), lamportChecks(), lenientChecks()} {
		all = append(all, group...)
	}
	return all
}

// Options tune a run.
type Options struct {
	Timeout time.Duration // how long a reply or publication may take; default 2s
}

// Run runs every check against t.
func Run(ctx context.Context, t Target, opts Options) Report {
	return RunChecks(ctx, t, opts, All())
}

// RunChecks runs the given checks in order against t.
func RunChecks(ctx context.Context, t Target, opts Options, checks []Check) Report {
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	e := newEnv(ctx, t, opts.Timeout)
	var rep Report
	for _, c := range checks {
		v := c.Run(e)
		rep.add(Result{Check: c.Name, Doc: c.Doc, Status: v.Status, Detail: v.Detail})
	}
	return rep
}
