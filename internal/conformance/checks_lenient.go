package conformance

import (
	"time"

	"zchat/internal/wire"
)

// lenientChecks cover what other implementations send. The standard asks
// servers to accept every timestamp type (fail when refused); the other
// variants are interoperability the standard leaves open (warn).
func lenientChecks() []Check {
	now := func() time.Time { return time.Now().UTC() }
	return []Check{
		variant("ts-iso", "accepts an ISO-8601 timestamp", Fail, func(r *request) { r.timestamp = now().Format(time.RFC3339Nano) }),
		variant("ts-iso-naive", "accepts an ISO-8601 timestamp without zone", Fail, func(r *request) { r.timestamp = now().Format("2006-01-02T15:04:05.000000") }),
		variant("ts-float", "accepts float seconds", Fail, func(r *request) { r.timestamp = nowSeconds() }),
		variant("ts-millis", "accepts integer milliseconds", Fail, func(r *request) { r.timestamp = now().UnixMilli() }),
		variant("ts-seconds", "accepts integer seconds", Fail, func(r *request) { r.timestamp = now().Unix() }),
		variant("ts-missing", "accepts a request without timestamp", Warn, func(r *request) { r.timestamp = noTimestamp }),
		variant("clock-top-level", "accepts the clock at the top level", Warn, func(r *request) { r.clock = clockTopLevel }),
		variant("clock-lamport_clock", "accepts the clock as lamport_clock", Warn, func(r *request) { r.clock = clockLamportKey }),
		variant("clock-missing", "accepts a request without clock", Warn, func(r *request) { r.clock = clockMissing }),
		variant("bin-strings", "accepts strings sent as MessagePack bin", Warn, func(r *request) { r.binary = true }),
		variant("json-request", "accepts a JSON request", Warn, func(r *request) { r.enc = wire.JSON }),
		{"json-reply", "answers a JSON request in JSON", checkJSONReply},
		{"clock-top-level-merged", "merges a top-level clock (reply clock greater)", checkTopClockMerged},
		{"from-to", "accepts from/to for src/dst in message", checkFromTo},
		{"channel-name", "accepts name for channel in channel", checkChannelName},
	}
}

// variant is a check that a login in one variant form succeeds; refusal
// earns the given status.
func variant(name, doc string, refused Status, vary func(*request)) Check {
	return Check{name, doc, func(e *Env) Verdict {
		r := request{service: "login", data: map[string]any{"user": e.Name("user-v")}}
		vary(&r)
		rep, err := e.call(r)
		if err != nil {
			return Verdict{refused, "login: " + err.Error()}
		}
		if s := rep.Status(); s != "sucesso" && s != "OK" {
			return Verdict{refused, "refused: " + rep.String()}
		}
		return pass()
	}}
}

func checkJSONReply(e *Env) Verdict {
	rep, err := e.call(request{service: "users", enc: wire.JSON})
	switch {
	case err != nil:
		return warnf("JSON request: %v", err)
	case rep.Msg.Encoding != wire.JSON:
		return warnf("JSON request answered in MessagePack")
	}
	return pass()
}

func checkTopClockMerged(e *Env) Verdict {
	e.clock += 1_000_000
	rep, err := e.call(request{service: "users", clock: clockTopLevel})
	if err != nil {
		return warnf("users: %v", err)
	}
	if rep.Msg.Clock <= rep.SentClock {
		return warnf("top-level clock %d ignored: reply clock %d", rep.SentClock, rep.Msg.Clock)
	}
	return pass()
}

func checkFromTo(e *Env) Verdict {
	src, err := e.loggedIn("user-a")
	if err != nil {
		return failf("set-up: %v", err)
	}
	dst, err := e.loggedIn("user-b")
	if err != nil {
		return failf("set-up: %v", err)
	}
	rep, err := e.call(request{service: "message", data: map[string]any{"from": src, "to": dst, "message": "from/to"}})
	if err != nil {
		return warnf("message: %v", err)
	}
	if s := rep.Status(); s != "OK" && s != "sucesso" {
		return warnf("from/to refused: %v", rep)
	}
	return pass()
}

func checkChannelName(e *Env) Verdict {
	rep, err := e.call(request{service: "channel", data: map[string]any{"name": e.Name("chan-named")}})
	if err != nil {
		return warnf("channel: %v", err)
	}
	if s := rep.Status(); s != "sucesso" && s != "OK" {
		return warnf("name refused: %v", rep)
	}
	return pass()
}
