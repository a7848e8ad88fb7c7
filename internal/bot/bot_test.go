package bot

import (
	"strings"
	"testing"
	"time"
)

func TestText(t *testing.T) {
	for _, size := range []int{1, 5, 16, 48, 100, 4096} {
		got := text("bot-0123abcd", 7, size)
		if len(got) != size {
			t.Fatalf("size %d: %d bytes", size, len(got))
		}
	}
	if got := text("bot-0123abcd", 7, 48); !strings.HasPrefix(got, "bot-0123abcd #7 abc") {
		t.Fatalf("text %q", got)
	}
}

func TestNewName(t *testing.T) {
	a, b := newName(), newName()
	if a == b || len(a) != len("bot-")+8 || !strings.HasPrefix(a, "bot-") {
		t.Fatalf("names %q %q", a, b)
	}
}

func TestPacer(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPacer(10) // every 100ms
	if d := p.delay(now); d != 0 {
		t.Fatalf("first message waits %s", d)
	}
	if d := p.delay(now.Add(30 * time.Millisecond)); d != 70*time.Millisecond {
		t.Fatalf("second waits %s", d)
	}
	// After a long stall, one message goes at once, then the pace resumes.
	late := now.Add(5 * time.Second)
	if d := p.delay(late); d != 0 {
		t.Fatalf("after a stall waits %s", d)
	}
	if d := p.delay(late); d != 100*time.Millisecond {
		t.Fatalf("then waits %s", d)
	}
	unpaced := newPacer(0)
	if d := unpaced.delay(now); d != 0 {
		t.Fatalf("rate 0 waits %s", d)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{50, 100, 200, 400, 800, 1600, 1600}
	for i, w := range want {
		if got := backoff(i + 1); got != w*time.Millisecond {
			t.Fatalf("backoff(%d) = %s", i+1, got)
		}
	}
}

func TestReport(t *testing.T) {
	start := time.Unix(1000, 0)
	a, b := &bot{name: "a"}, &bot{name: "b"}
	for _, x := range []*bot{a, b} {
		x.st.start = start
	}
	for i := range 10 {
		a.st.sent.Add(1)
		a.st.ack(start.Add(time.Duration(i)*200*time.Millisecond), time.Duration(i+1)*time.Millisecond)
	}
	b.st.sent.Add(2)
	b.st.errors.Add(1)
	b.st.ack(start.Add(500*time.Millisecond), 20*time.Millisecond)
	r := report([]*bot{a, b}, 2*time.Second, time.Second, 3)
	if r.Sent != 12 || r.Acked != 11 || r.Errors != 1 || r.Echoed != 3 || r.Rate != 5.5 || r.CPUShare != 0.5 {
		t.Fatalf("report %+v", r)
	}
	if len(r.PerSecond) != 2 || r.PerSecond[0] != 6 || r.PerSecond[1] != 5 {
		t.Fatalf("per second %v", r.PerSecond)
	}
	if r.P50 != 6*time.Millisecond || r.Max != 20*time.Millisecond {
		t.Fatalf("latencies p50 %s max %s", r.P50, r.Max)
	}
	if s := r.String(); !strings.Contains(s, "sent 12, acked 11, errors 1, echoed 3") || !strings.Contains(s, "50% of one core") {
		t.Fatalf("summary %q", s)
	}
}

func TestSampleStaysBounded(t *testing.T) {
	var s stats
	for i := range 3 * sampleSize {
		s.sample(time.Duration(i))
	}
	if len(s.latencies) != sampleSize || s.seen != 3*sampleSize {
		t.Fatalf("%d kept of %d", len(s.latencies), s.seen)
	}
}
