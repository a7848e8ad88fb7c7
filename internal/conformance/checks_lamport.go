package conformance

// lamportChecks cover the clock rule: on receive, max(own, received); before
// each send, increment. A reply therefore carries a clock greater than the
// request's.
func lamportChecks() []Check {
	return []Check{
		{"lamport-reply", "a reply's clock is greater than the request's clock", checkLamportReply},
		{"lamport-jump", "a reply to a request far ahead in logical time is further ahead still", checkLamportJump},
	}
}

func lamportVerdict(rep *Reply) Verdict {
	switch {
	case rep.Msg.Clock == 0:
		return failf("reply has no clock: %v", rep)
	case rep.Msg.Clock <= rep.SentClock:
		return failf("Lamport clock in reply (%d) not greater than request clock (%d)", rep.Msg.Clock, rep.SentClock)
	}
	return pass()
}

func checkLamportReply(e *Env) Verdict {
	rep, err := e.call(request{service: "users"})
	if err != nil {
		return failf("users: %v", err)
	}
	return lamportVerdict(rep)
}

// checkLamportJump sends a clock well beyond anything the target has seen,
// so that a target that ignores received clocks cannot pass by luck.
func checkLamportJump(e *Env) Verdict {
	e.clock += 1_000_000
	rep, err := e.call(request{service: "users"})
	if err != nil {
		return failf("users: %v", err)
	}
	return lamportVerdict(rep)
}
