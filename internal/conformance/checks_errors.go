package conformance

import "zchat/internal/wire"

// errorChecks cover failures: every request gets a reply, failures answer
// status "erro" with the reason in the standard key.
func errorChecks() []Check {
	return []Check{
		{"err-publish-unknown-channel", `publish to an unknown channel answers "erro" with "message"`, checkPublishUnknown},
		{"err-message-unknown-user", `message to an unknown user answers "erro" with "message"`, checkMessageUnknown},
		{"err-duplicate-channel", `creating an existing channel answers "erro" with "description"`, checkDuplicateChannel},
		{"err-invalid-name", `login with an empty name answers "erro"`, checkInvalidName},
		{"err-unknown-service", `an unknown service answers "erro"`, checkUnknownService},
		{"err-malformed", `a malformed frame still gets a reply, "erro"`, checkMalformed},
		{"err-after-malformed", "a valid request after a malformed one is answered", checkAfterMalformed},
	}
}

// errorReply judges a reply that must be an error carrying its reason in
// key (the other standard key earns a warning).
func errorReply(what string, rep *Reply, key string) Verdict {
	if st := rep.Status(); st != "erro" {
		if st == "OK" || st == "sucesso" {
			return failf("%s answered %s", what, st)
		}
		return failf("%s answered status %q, want \"erro\": %v", what, st, rep)
	}
	if rep.text(key) != "" {
		return pass()
	}
	other := map[string]string{"message": "description", "description": "message"}[key]
	if rep.text(other) != "" {
		return warnf("%s: error text under %q, the standard key here is %q", what, other, key)
	}
	return failf("%s: error reply has no text (neither message nor description)", what)
}

func checkPublishUnknown(e *Env) Verdict {
	user, err := e.loggedIn("user-a")
	if err != nil {
		return failf("set-up: %v", err)
	}
	rep, err := e.call(request{service: "publish", data: map[string]any{"user": user, "channel": e.Name("no-such-channel"), "message": "x"}})
	if err != nil {
		return failf("publish: %v", err)
	}
	return errorReply("publish to unknown channel", rep, "message")
}

func checkMessageUnknown(e *Env) Verdict {
	src, err := e.loggedIn("user-a")
	if err != nil {
		return failf("set-up: %v", err)
	}
	rep, err := e.call(request{service: "message", data: map[string]any{"src": src, "dst": e.Name("no-such-user"), "message": "x"}})
	if err != nil {
		return failf("message: %v", err)
	}
	return errorReply("message to unknown user", rep, "message")
}

func checkDuplicateChannel(e *Env) Verdict {
	ch, err := e.channel()
	if err != nil {
		return failf("set-up: %v", err)
	}
	rep, err := e.call(request{service: "channel", data: map[string]any{"channel": ch}})
	if err != nil {
		return failf("channel: %v", err)
	}
	return errorReply("duplicate channel", rep, "description")
}

// checkInvalidName warns rather than fails: the standard does not define
// valid names, but accepting an empty one is asking for trouble.
func checkInvalidName(e *Env) Verdict {
	rep, err := e.call(request{service: "login", data: map[string]any{"user": ""}})
	if err != nil {
		return failf("login: %v", err)
	}
	if rep.Status() != "erro" {
		return warnf("login with an empty user name answered %q", rep.Status())
	}
	return pass()
}

func checkUnknownService(e *Env) Verdict {
	rep, err := e.call(request{service: "no-such-service"})
	if err != nil {
		return failf("unknown service: %v", err)
	}
	if rep.Status() != "erro" {
		return warnf("unknown service answered status %q, not \"erro\"", rep.Status())
	}
	return pass()
}

// malformed is not MessagePack (0xc1 is never used) and not JSON.
var malformed = []byte{0xc1, 0x00, 'g', 'a', 'r', 'b', 'a', 'g', 'e'}

func checkMalformed(e *Env) Verdict {
	raw, err := e.exchange(malformed)
	if err != nil {
		return failf("%v to a malformed frame", err)
	}
	rep, err := decodeReply(raw, 0)
	if err != nil {
		return failf("reply to a malformed frame: %v", err)
	}
	if rep.Status() != "erro" {
		return warnf("a malformed frame was answered with status %q, not \"erro\"", rep.Status())
	}
	if rep.Msg.Encoding != wire.MsgPack {
		return warnf("a malformed binary frame was answered in JSON")
	}
	return pass()
}

func checkAfterMalformed(e *Env) Verdict {
	_, _ = e.exchange(malformed) // judged by err-malformed
	if _, err := e.call(request{service: "users"}); err != nil {
		return failf("users after a malformed frame: %v", err)
	}
	return pass()
}
