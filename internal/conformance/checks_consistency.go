package conformance

import "fmt"

// consistencyChecks cover what a client sees when the broker spreads its
// consecutive requests over different servers.
func consistencyChecks() []Check {
	return []Check{
		{"read-your-writes", "a channel just created, a user just logged in, can be used and are listed by the very next requests, whichever server answers", checkReadYourWrites},
	}
}

// rywTries creates this many channels and users: enough to land on every
// server of a small cluster more than once.
const rywTries = 6

// checkReadYourWrites warns rather than fails: the standard says every
// server holds all data but not how soon, and a bot that creates a channel
// and posts to it at once is exactly what trips over the lag.
func checkReadYourWrites(e *Env) Verdict {
	user, err := e.loggedIn("user-a")
	if err != nil {
		return failf("set-up: %v", err)
	}
	var misses []string
	for i := range rywTries {
		ch := e.Name(fmt.Sprintf("ryw-%d", i))
		miss, err := createThenUse(e, user, ch)
		if err != nil {
			return failf("%v", err)
		}
		misses = append(misses, miss...)
		if miss, err = loginThenUse(e, user, e.Name(fmt.Sprintf("ryw-user-%d", i))); err != nil {
			return failf("%v", err)
		}
		misses = append(misses, miss...)
	}
	if len(misses) > 0 {
		return warnf("%d of %d immediate uses missed (replicas lag behind the one that accepted the write); first: %s",
			len(misses), 4*rywTries, misses[0])
	}
	return pass()
}

// createThenUse creates ch, posts to it and lists channels, each request
// right after the other; it returns what went wrong.
func createThenUse(e *Env, user, ch string) ([]string, error) {
	if err := e.expectStatus(request{service: "channel", data: map[string]any{"channel": ch}}, "sucesso", "OK"); err != nil {
		return nil, err
	}
	var misses []string
	rep, err := e.call(request{service: "publish", data: map[string]any{"user": user, "channel": ch, "message": "ryw"}})
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if st := rep.Status(); st != "OK" && st != "sucesso" {
		misses = append(misses, fmt.Sprintf("publish right after creating %q answered %v", ch, rep))
	}
	if rep, err = e.call(request{service: "channels"}); err != nil {
		return nil, fmt.Errorf("channels: %w", err)
	}
	if !rep.Lists("channels", ch) {
		misses = append(misses, fmt.Sprintf("channels right after creating %q did not list it", ch))
	}
	return misses, nil
}

// loginThenUse logs dst in, sends it a private message and lists users,
// each request right after the other; it returns what went wrong.
func loginThenUse(e *Env, src, dst string) ([]string, error) {
	if err := e.expectStatus(request{service: "login", data: map[string]any{"user": dst}}, "sucesso", "OK"); err != nil {
		return nil, err
	}
	var misses []string
	rep, err := e.call(request{service: "message", data: map[string]any{"src": src, "dst": dst, "message": "ryw"}})
	if err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	if st := rep.Status(); st != "OK" && st != "sucesso" {
		misses = append(misses, fmt.Sprintf("message to %q right after its login answered %v", dst, rep))
	}
	if rep, err = e.call(request{service: "users"}); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	if !rep.Lists("users", dst) {
		misses = append(misses, fmt.Sprintf("users right after %q logged in did not list it", dst))
	}
	return misses, nil
}
