package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestDeadTargetFailsFast: after a few unanswered requests the run stops
// asking, so a dead target costs seconds, not minutes.
func TestDeadTargetFailsFast(t *testing.T) {
	d := &deadTarget{}
	rep := Run(context.Background(), d, Options{Timeout: testTimeout})
	if d.requests != deadAfter {
		t.Errorf("dead target was asked %d times, want %d", d.requests, deadAfter)
	}
	if rep.Passed != 0 || rep.Failed == 0 || len(rep.Results) != len(All()) {
		t.Errorf("dead target: %s over %d results", rep.Summary(), len(rep.Results))
	}
}

func TestChecksHaveUniqueNamesAndDocs(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		if c.Name == "" || c.Doc == "" || c.Run == nil || seen[c.Name] {
			t.Errorf("bad or duplicate check %q", c.Name)
		}
		seen[c.Name] = true
	}
}

func TestReportOutput(t *testing.T) {
	var rep Report
	rep.add(Result{Check: "a", Doc: "does a", Status: Pass})
	rep.add(Result{Check: "b", Doc: "does b", Status: Fail, Detail: "broke"})
	rep.add(Result{Check: "c", Doc: "does c", Status: Warn, Detail: "odd"})
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if last := lines[len(lines)-1]; last != "1 passed, 1 failed, 1 warnings" {
		t.Errorf("summary line %q", last)
	}
	if !strings.Contains(table.String(), "fail    b      broke") {
		t.Errorf("table:\n%s", table.String())
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Results []struct{ Check, Status string }
		Failed  int
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Failed != 1 || back.Results[1].Status != "fail" {
		t.Errorf("JSON %s: %v", js.String(), err)
	}
}
