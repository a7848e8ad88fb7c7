package conformance

import "time"

// servicesChecks cover the request/reply table of the standard.
func servicesChecks() []Check {
	return []Check{
		{"login", `login answers status "sucesso"`, checkLogin},
		{"reply-envelope", `replies are {"service", "data"} envelopes`, checkEnvelope},
		{"reply-timestamp", "replies carry data.timestamp", checkReplyTimestamp},
		{"reply-clock", "replies carry data.clock", checkReplyClock},
		{"users", "users lists a logged-in user under `users`", checkUsers},
		{"channel", `channel answers status "sucesso"`, checkChannel},
		{"channels", "channels lists a created channel under `channels`", checkChannels},
		{"channels-users-mirror", "channels reply also lists it under `users` (the assignment's key)", checkChannelsMirror},
		{"publish", `publish answers status "OK"`, checkPublish},
		{"message", `message answers status "OK"`, checkMessage},
	}
}

func login(e *Env, role string) (*Reply, error) {
	return e.call(request{service: "login", data: map[string]any{"user": e.Name(role)}})
}

func checkLogin(e *Env) Verdict {
	rep, err := login(e, "user-a")
	if err != nil {
		return failf("login: %v", err)
	}
	return successStatus("login", rep)
}

// successStatus judges the status of a login or channel reply.
func successStatus(service string, rep *Reply) Verdict {
	switch rep.Status() {
	case "sucesso":
		return pass()
	case "OK":
		return warnf(`%s answered status "OK" instead of "sucesso"`, service)
	}
	return failf("%s answered %v", service, rep)
}

// okStatus judges the status of a publish or message reply.
func okStatus(service string, rep *Reply) Verdict {
	switch rep.Status() {
	case "OK":
		return pass()
	case "sucesso":
		return warnf(`%s answered status "sucesso" instead of "OK"`, service)
	}
	return failf("%s answered %v", service, rep)
}

func checkEnvelope(e *Env) Verdict {
	rep, err := e.call(request{service: "users"})
	if err != nil {
		return failf("users: %v", err)
	}
	if !rep.Enveloped() {
		return warnf("reply is a flat map, not an envelope: %v", rep)
	}
	return pass()
}

func checkReplyTimestamp(e *Env) Verdict {
	rep, err := e.call(request{service: "users"})
	if err != nil {
		return failf("users: %v", err)
	}
	if !rep.Has("timestamp") {
		return failf("reply has no timestamp: %v", rep)
	}
	return pass()
}

func checkReplyClock(e *Env) Verdict {
	rep, err := e.call(request{service: "users"})
	if err != nil {
		return failf("users: %v", err)
	}
	switch {
	case rep.Has("clock"):
		return pass()
	case rep.Msg.Clock > 0:
		return warnf("reply has its clock only outside data")
	}
	return failf("reply has no clock: %v", rep)
}

func checkUsers(e *Env) Verdict {
	user, err := e.loggedIn("user-a")
	if err != nil {
		return failf("set-up: %v", err)
	}
	return listed(e, "users", "users", user)
}

// listed asks service until its reply lists name under key, for up to the
// timeout: replicas may lag (read-your-writes judges that separately).
func listed(e *Env, service, key, name string) Verdict {
	deadline := time.Now().Add(e.timeout)
	for {
		rep, err := e.call(request{service: service})
		switch {
		case err != nil:
			return failf("%s: %v", service, err)
		case !hasList(rep, key):
			return failf("%s reply has no `%s` key (a list of names): %v", service, key, rep)
		case rep.Lists(key, name):
			return pass()
		case time.Now().After(deadline):
			return failf("%s reply does not list %q within %v", service, name, e.timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func hasList(rep *Reply, key string) bool {
	_, ok := rep.Names(key)
	return ok
}

func checkChannel(e *Env) Verdict {
	rep, err := e.call(request{service: "channel", data: map[string]any{"channel": e.Name("chan-created")}})
	if err != nil {
		return failf("channel: %v", err)
	}
	return successStatus("channel", rep)
}

func checkChannels(e *Env) Verdict {
	ch, err := e.channel()
	if err != nil {
		return failf("set-up: %v", err)
	}
	return listed(e, "channels", "channels", ch)
}

func checkChannelsMirror(e *Env) Verdict {
	ch, err := e.channel()
	if err != nil {
		return failf("set-up: %v", err)
	}
	if v := listed(e, "channels", "users", ch); v.Status != Pass {
		return warnf("no `users` mirror in the channels reply: %s", v.Detail)
	}
	return pass()
}

func checkPublish(e *Env) Verdict {
	user, ch, err := poster(e)
	if err != nil {
		return failf("set-up: %v", err)
	}
	rep, err := e.call(request{service: "publish", data: map[string]any{"user": user, "channel": ch, "message": "conformance"}})
	if err != nil {
		return failf("publish: %v", err)
	}
	return okStatus("publish", rep)
}

// poster is a logged-in user and an existing channel.
func poster(e *Env) (user, ch string, err error) {
	if user, err = e.loggedIn("user-a"); err != nil {
		return "", "", err
	}
	ch, err = e.channel()
	return user, ch, err
}

func checkMessage(e *Env) Verdict {
	src, err := e.loggedIn("user-a")
	if err != nil {
		return failf("set-up: %v", err)
	}
	dst, err := e.loggedIn("user-b")
	if err != nil {
		return failf("set-up: %v", err)
	}
	rep, err := e.call(request{service: "message", data: map[string]any{"src": src, "dst": dst, "message": "conformance"}})
	if err != nil {
		return failf("message: %v", err)
	}
	return okStatus("message", rep)
}
