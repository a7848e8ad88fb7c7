package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestLatencySummary(t *testing.T) {
	h := NewLatency()
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond / 10) // 0.1 .. 100 ms
	}
	s := h.Summary()
	check := func(name string, got, want float64) {
		if got < want*0.99 || got > want*1.01 {
			t.Errorf("%s = %v, want %v ±1%%", name, got, want)
		}
	}
	check("p50", s.P50, 50)
	check("p90", s.P90, 90)
	check("p99", s.P99, 99)
	check("max", s.Max, 100)
	if s.Count != 1000 {
		t.Errorf("count %d", s.Count)
	}
	if (NewLatency().Summary() != Summary{}) {
		t.Error("empty histogram has a nonzero summary")
	}
	big := NewLatency()
	big.Record(2 * time.Hour) // clamped, still counted
	if big.Count() != 1 || big.Summary().Max < 59_000 {
		t.Errorf("clamped: %+v", big.Summary())
	}
}

// fakeClient is a client that made n requests of latency d, errs of them failed.
func fakeClient(n, errs int, d time.Duration) *client {
	c := &client{byOp: map[Op]*Latency{}, all: NewLatency()}
	for i := range n {
		var err error
		if i < errs {
			err = errTimeout
		}
		c.record(OpPublish, d, 1, err)
	}
	return c
}

func TestReportMath(t *testing.T) {
	sub := &subscriber{hist: NewLatency()}
	sub.hist.Record(2 * time.Millisecond)
	res := results{
		clients: []*client{fakeClient(600, 0, time.Millisecond), fakeClient(400, 100, 3*time.Millisecond)},
		subs:    []*subscriber{sub}, span: 2 * time.Second, gap: 30 * time.Millisecond,
	}
	var r Report
	r.fill(res)
	if r.Requests != 1000 || r.Errors != 100 || r.Retries != 1000 {
		t.Fatalf("counts %d/%d/%d", r.Requests, r.Errors, r.Retries)
	}
	if r.Throughput != 450 { // 900 successful in 2 s
		t.Errorf("throughput %v, want 450", r.Throughput)
	}
	if r.P50 < 0.99 || r.P50 > 1.01 || r.P99 < 2.97 || r.P99 > 3.01 {
		t.Errorf("p50 %v p99 %v", r.P50, r.P99)
	}
	if r.Ops[OpPublish].Count != 900 || r.LongestGap != 30 || r.Seconds != 2 {
		t.Errorf("ops %+v gap %v seconds %v", r.Ops, r.LongestGap, r.Seconds)
	}
	if r.DeliveryExpected != 900 || r.Deliveries != 1 || r.DeliveryP99 < 1.99 || r.DeliveryP99 > 2.01 {
		t.Errorf("delivery %d/%d p99 %v", r.Deliveries, r.DeliveryExpected, r.DeliveryP99)
	}
	if len(r.ErrorSamples) != 1 || !strings.Contains(r.ErrorSamples[0], "no reply") {
		t.Errorf("samples %q", r.ErrorSamples)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"requests", "errors", "seconds", "throughput", "p50_ms", "p99_ms", "delivery_p99_ms"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, buf.String())
		}
	}
}

func TestLongestGap(t *testing.T) {
	cfg := &Config{Duration: time.Second, Clients: 1}
	c := newControl(cfg)
	start := time.Now()
	c.startMeasuring(start)
	for _, at := range []time.Duration{0, 10, 20, 200, 210, 990} {
		c.succeeded(start.Add(at * time.Millisecond))
	}
	if got := c.longestGap(time.Second); got != 770*time.Millisecond {
		t.Errorf("longest gap %v, want 770ms", got)
	}
}

func TestControlQuota(t *testing.T) {
	c := newControl(&Config{Requests: 3, Clients: 1})
	if ok, measured := c.admit(); !ok || measured {
		t.Fatal("warmup request refused or measured")
	}
	c.startMeasuring(time.Now())
	n := 0
	for {
		ok, measured := c.admit()
		if !ok {
			break
		}
		if !measured {
			t.Fatal("unmeasured request while measuring")
		}
		n++
	}
	if n != 3 {
		t.Errorf("admitted %d, want 3", n)
	}
}

func TestStamp(t *testing.T) {
	now := time.Now()
	text := stampedText(now, 200)
	if len(text) != 200 {
		t.Errorf("length %d", len(text))
	}
	got, ok := parseStamp(text)
	if !ok || !got.Equal(time.Unix(0, now.UnixNano())) {
		t.Errorf("parseStamp = %v %v, want %v", got, ok, now)
	}
	if short := stampedText(now, 1); len(short) < 19 {
		t.Errorf("a stamp is never cut: %q", short)
	}
	for _, bad := range []string{"", "hello", "|x", "12a|x"} {
		if _, ok := parseStamp(bad); ok {
			t.Errorf("parseStamp(%q) ok", bad)
		}
	}
}

func TestProcParsing(t *testing.T) {
	stat := []byte("1234 (zchat (s1)) S 1 1234 1234 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 8 0 100 0 0")
	cpu, err := parseStatCPU(stat)
	if err != nil || cpu != 3*time.Second {
		t.Errorf("cpu %v %v, want 3s", cpu, err)
	}
	status := []byte("Name:\tzchat\nVmPeak:\t  999 kB\nVmHWM:\t   40960 kB\nVmRSS:\t   20480 kB\n")
	if hwm := parseStatusKB(status, "VmHWM:"); hwm != 40960 {
		t.Errorf("VmHWM %d", hwm)
	}
	if s, err := readProc("self"); err != nil || s.PeakRSS <= 0 || s.CPU < 0 {
		t.Errorf("readProc(self) = %+v, %v", s, err)
	}
}

func TestInWindow(t *testing.T) {
	c := newControl(&Config{Duration: time.Second, Clients: 1})
	start := time.Now()
	if c.inWindow(start) {
		t.Fatal("in the window before measuring")
	}
	c.startMeasuring(start)
	if !c.inWindow(start) || c.inWindow(start.Add(-time.Nanosecond)) || !c.inWindow(start.Add(time.Hour)) {
		t.Fatal("window while measuring")
	}
	c.stop(start.Add(time.Second))
	if !c.inWindow(start.Add(999*time.Millisecond)) || c.inWindow(start.Add(time.Second)) {
		t.Fatal("window after the end")
	}
}
