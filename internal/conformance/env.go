package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// deadAfter is how many requests in a row may go unanswered before the
// target is considered down and further requests fail at once.
const deadAfter = 3

var errTargetDown = errors.New("target not answering (skipped)")

// Env is the state one run shares between checks: the target, unique names,
// the client's Lamport clock and set-up steps done once.
type Env struct {
	ctx     context.Context
	target  Target
	timeout time.Duration
	suffix  string
	clock   uint64
	silent  int // requests in a row without a reply
	done    map[string]error
	pubs    *pubRun
}

func newEnv(ctx context.Context, t Target, timeout time.Duration) *Env {
	b := make([]byte, 3)
	rand.Read(b)
	return &Env{ctx: ctx, target: t, timeout: timeout, suffix: hex.EncodeToString(b), done: map[string]error{}}
}

// Name is a name unique to this run, e.g. Name("user-a") = "cf3a9f1c_user-a".
func (e *Env) Name(role string) string { return fmt.Sprintf("cf%s_%s", e.suffix, role) }

// call sends a request stamped with the next Lamport clock and decodes the
// reply, merging its clock.
func (e *Env) call(r request) (*Reply, error) {
	var sent uint64
	if r.sendsClock() {
		e.clock++
		sent = e.clock
	}
	frame, err := r.frame(sent)
	if err != nil {
		return nil, err
	}
	raw, err := e.exchange(frame)
	if err != nil {
		return nil, err
	}
	rep, err := decodeReply(raw, sent)
	if err == nil {
		e.clock = max(e.clock, rep.Msg.Clock)
	}
	return rep, err
}

// exchange sends a raw frame and returns the raw reply.
func (e *Env) exchange(frame []byte) ([]byte, error) {
	if e.silent >= deadAfter {
		return nil, errTargetDown
	}
	raw, err := e.target.Request(e.ctx, frame)
	if errors.Is(err, ErrNoReply) {
		e.silent++
		return nil, fmt.Errorf("no reply within %v", e.timeout)
	}
	if err == nil {
		e.silent = 0
	}
	return raw, err
}

// once runs a set-up step the first time it is asked for and remembers
// its outcome.
func (e *Env) once(key string, step func() error) error {
	if err, ok := e.done[key]; ok {
		return err
	}
	err := step()
	e.done[key] = err
	return err
}

// loggedIn makes sure the user with this role has logged in.
func (e *Env) loggedIn(role string) (string, error) {
	user := e.Name(role)
	return user, e.once("login "+role, func() error {
		return e.expectStatus(request{service: "login", data: map[string]any{"user": user}}, "sucesso", "OK")
	})
}

// channel makes sure this run's channel exists.
func (e *Env) channel() (string, error) {
	ch := e.Name("chan")
	return ch, e.once("channel", func() error {
		return e.expectStatus(request{service: "channel", data: map[string]any{"channel": ch}}, "sucesso", "OK")
	})
}

func (e *Env) expectStatus(r request, ok ...string) error {
	rep, err := e.call(r)
	if err != nil {
		return fmt.Errorf("%s: %w", r.service, err)
	}
	for _, s := range ok {
		if rep.Status() == s {
			return nil
		}
	}
	return fmt.Errorf("%s answered %v", r.service, rep)
}
