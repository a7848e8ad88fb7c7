package conformance

import "fmt"

// Status is the verdict of one check.
type Status int

// Verdicts, from best to worst.
const (
	Pass Status = iota
	Warn        // left open by the standard, or a variant not accepted
	Fail        // the standard is broken
)

func (s Status) String() string {
	switch s {
	case Pass:
		return "pass"
	case Warn:
		return "warn"
	}
	return "fail"
}

// MarshalText makes the status a string in JSON output.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Verdict is what a check concludes, with the reason when it is not a pass.
type Verdict struct {
	Status Status
	Detail string
}

func pass() Verdict { return Verdict{Status: Pass} }

func passf(format string, args ...any) Verdict {
	return Verdict{Pass, fmt.Sprintf(format, args...)}
}

func warnf(format string, args ...any) Verdict {
	return Verdict{Warn, fmt.Sprintf(format, args...)}
}

func failf(format string, args ...any) Verdict {
	return Verdict{Fail, fmt.Sprintf(format, args...)}
}

// Check is one conformance check.
type Check struct {
	Name string // short identifier, e.g. "channels-key"
	Doc  string // one line: what the standard asks
	Run  func(*Env) Verdict
}

// Result is a check's outcome in a report.
type Result struct {
	Check  string `json:"check"`
	Doc    string `json:"doc"`
	Status Status `json:"status"`
	Detail string `json:"detail,omitempty"`
}
