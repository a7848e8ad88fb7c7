package metrics

// Relay instruments a broker or proxy. It returns the function to pass to
// zmqx.SteerObserved (nil, capturing nothing, when e is nil) and a flag to
// set while the component forwards, reported by /healthz as "forwarding".
func (e *Endpoint) Relay() (observe func(bytes int), forwarding *Flag) {
	forwarding = &Flag{Failure: "not forwarding"}
	if e == nil {
		return nil, forwarding
	}
	e.Health.Add("forwarding", forwarding.Check)
	return NewForwarded(e.Registry).Observe, forwarding
}
