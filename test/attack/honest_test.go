package attack_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// saneLamport bounds the servers' Lamport clocks after the attacks: a few
// million events of honest traffic, nowhere near the ceiling (2^63) or
// the 2^62 an attacker once spent at once.
const saneLamport = 1 << 40

// honest is a well-behaved client of the open, standard ports that keeps
// the list of everything the cluster acknowledged to it.
type honest struct {
	u     *upCluster
	acked map[string]string // event id -> text
	round int
}

const (
	honestUser  = "honest"
	honestPeer  = "honest-peer"
	honestWatch = "watch"
)

func newHonest(t *testing.T, u *upCluster) *honest {
	t.Helper()
	h := &honest{u: u, acked: map[string]string{}}
	for _, user := range []string{honestUser, honestPeer} {
		h.mustStatus(t, "login", map[string]any{"user": user}, wire.StatusSuccess)
	}
	h.mustStatus(t, "channel", map[string]any{"channel": honestWatch, "user": honestUser}, wire.StatusSuccess)
	return h
}

// ask sends one request through the broker, retried on a fresh socket
// when no reply comes (the cluster may be busy with an attacker).
func (h *honest) ask(t *testing.T, service string, data map[string]any) wire.Message {
	t.Helper()
	var err error
	for range 5 {
		var m wire.Message
		if m, err = testcluster.Ask(h.u.ep(offFrontend), service, data, 3*time.Second); err == nil {
			return m
		}
	}
	t.Fatalf("%s: no reply through the broker: %v", service, err)
	return wire.Message{}
}

func (h *honest) mustStatus(t *testing.T, service string, data map[string]any, want string) wire.Message {
	t.Helper()
	m := h.ask(t, service, data)
	if got, _ := m.OptString("status"); got != want {
		t.Fatalf("%s %v: status %q (%v), want %q", service, data, got, m.Data["description"], want)
	}
	return m
}

// check is what an honest client sees after an attack: its post and
// private message are accepted, every post the cluster acknowledged to it
// so far is in the channel's history unaltered, and the servers agree on
// a coordinator with sane clocks.
func (h *honest) check(t *testing.T, after string) {
	t.Helper()
	h.round++
	text := fmt.Sprintf("check %d after %s", h.round, after)
	reqID := fmt.Sprintf("honest-%d", h.round)
	m := h.mustStatus(t, "publish", map[string]any{"user": honestUser, "channel": honestWatch, "message": text, "request_id": reqID}, wire.StatusOK)
	id, _ := m.OptString("id")
	h.acked[id] = text
	h.mustStatus(t, "message", map[string]any{"src": honestUser, "dst": honestPeer, "message": text, "request_id": reqID}, wire.StatusOK)
	h.checkHistory(t)
	h.checkServers(t)
}

func (h *honest) checkHistory(t *testing.T) {
	t.Helper()
	m := h.mustStatus(t, "history", map[string]any{"channel": honestWatch, "limit": 1000}, wire.StatusOK)
	stored := map[string]string{}
	list, _ := m.Data["messages"].([]any)
	for _, item := range list {
		msg, _ := wire.AsMap(item)
		id, _ := wire.AsString(msg["id"])
		text, _ := wire.AsString(msg["message"])
		stored[id] = text
		if strings.Contains(text, forgedMark) {
			t.Errorf("history holds a forged post %s: %q", id, text)
		}
	}
	for id, text := range h.acked {
		if got, ok := stored[id]; !ok || got != text {
			t.Errorf("acknowledged post %s (%q) lost or altered: history has %q", id, text, got)
		}
	}
}

func (h *honest) checkServers(t *testing.T) {
	t.Helper()
	statuses, err := h.u.statuses(3, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !agreed(statuses) {
		t.Errorf("servers do not agree on a coordinator: %v", coordinators(statuses))
	}
	for name, s := range statuses {
		lamport, _ := s.OptInt("lamport", -1)
		offset, _ := wire.AsFloat(s.Data["offset"])
		if lamport <= 0 || lamport > saneLamport {
			t.Errorf("%s: Lamport clock %d, want in (0, 2^40]", name, lamport)
		}
		if math.Abs(offset) > 1 {
			t.Errorf("%s: physical clock corrected by %.3f s, want under 1 s", name, offset)
		}
	}
}

// statuses asks status through the broker until n servers have answered.
func (u *upCluster) statuses(n int, timeout time.Duration) (map[string]wire.Message, error) {
	out := map[string]wire.Message{}
	var lastErr error
	for range 10 * n {
		m, err := testcluster.Ask(u.ep(offFrontend), "status", nil, timeout)
		if err != nil {
			lastErr = err
			continue
		}
		name, _ := m.OptString("server")
		out[name] = m
		if len(out) == n {
			return out, nil
		}
	}
	return out, errors.Join(fmt.Errorf("status answered by %d of %d servers", len(out), n), lastErr)
}

func coordinators(statuses map[string]wire.Message) map[string]string {
	out := map[string]string{}
	for name, s := range statuses {
		out[name], _ = s.OptString("coordinator")
	}
	return out
}

func agreed(statuses map[string]wire.Message) bool {
	seen := map[string]bool{}
	for _, c := range coordinators(statuses) {
		seen[c] = true
	}
	return len(seen) == 1 && !seen[""]
}
