package conformance

import (
	"context"
	"strings"
	"testing"
	"time"
)

const testTimeout = 400 * time.Millisecond

func runAgainst(t *testing.T, s *fakeServer) Report {
	t.Helper()
	target := &ZMQTarget{Broker: s.broker, Proxy: s.proxy, Timeout: testTimeout, Settle: 200 * time.Millisecond}
	rep := Run(context.Background(), target, Options{Timeout: testTimeout})
	var b strings.Builder
	rep.WriteTable(&b)
	t.Log("\n" + b.String())
	return rep
}

func TestConformingFakePasses(t *testing.T) {
	rep := runAgainst(t, startFake(t, faults{}))
	if rep.Failed != 0 || rep.Warned != 0 {
		t.Fatalf("a conforming fake got %s", rep.Summary())
	}
}

func TestBrokenFakeIsReported(t *testing.T) {
	rep := runAgainst(t, startFake(t, faults{
		noChannelsKey: true, publishUnknownOK: true, silentOnGarbage: true,
		oneFramePubs: true, staleClock: true, noTimestamp: true,
	}))
	want := []struct {
		check, status, detail string
	}{
		{"channels", "fail", "channels reply has no `channels` key"},
		{"err-publish-unknown-channel", "fail", "publish to unknown channel answered OK"},
		{"err-malformed", "fail", "no reply within 400ms to a malformed frame"},
		{"err-after-malformed", "pass", ""},
		{"post-frames", "fail", "publication arrived as one frame"},
		{"private-frames", "fail", "publication arrived as one frame"},
		{"lamport-reply", "fail", "Lamport clock in reply (1) not greater than request clock"},
		{"reply-timestamp", "fail", "reply has no timestamp"},
		{"channels-users-mirror", "pass", ""},
		{"login", "pass", ""},
		{"users", "pass", ""},
	}
	for _, w := range want {
		res, ok := rep.Result(w.check)
		if !ok {
			t.Errorf("no result for %s", w.check)
			continue
		}
		if res.Status.String() != w.status || !strings.Contains(res.Detail, w.detail) {
			t.Errorf("%s: got %s %q, want %s containing %q", w.check, res.Status, res.Detail, w.status, w.detail)
		}
	}
}

// TestWarnings covers what the standard leaves open: a success status of
// the other kind earns a warning, not a failure.
func TestWarnings(t *testing.T) {
	tests := []struct {
		name    string
		verdict Verdict
		want    Status
	}{
		{"publish sucesso", okStatus("publish", replyWith(t, map[string]any{"status": "sucesso"})), Warn},
		{"publish OK", okStatus("publish", replyWith(t, map[string]any{"status": "OK"})), Pass},
		{"publish erro", okStatus("publish", replyWith(t, map[string]any{"status": "erro"})), Fail},
		{"login OK", successStatus("login", replyWith(t, map[string]any{"status": "OK"})), Warn},
		{"error text only in description", errorReply("publish", replyWith(t, map[string]any{"status": "erro", "description": "x"}), "message"), Warn},
		{"error without text", errorReply("publish", replyWith(t, map[string]any{"status": "erro"}), "message"), Fail},
	}
	for _, tt := range tests {
		if tt.verdict.Status != tt.want {
			t.Errorf("%s: %s (%s), want %s", tt.name, tt.verdict.Status, tt.verdict.Detail, tt.want)
		}
	}
}
