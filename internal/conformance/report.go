package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Report is the outcome of a run.
type Report struct {
	Results []Result `json:"results"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Warned  int      `json:"warnings"`
}

func (r *Report) add(res Result) {
	r.Results = append(r.Results, res)
	switch res.Status {
	case Pass:
		r.Passed++
	case Warn:
		r.Warned++
	default:
		r.Failed++
	}
}

// Summary is the last line of the table: "N passed, M failed, K warnings".
func (r Report) Summary() string {
	return fmt.Sprintf("%d passed, %d failed, %d warnings", r.Passed, r.Failed, r.Warned)
}

// Result returns the result of the named check.
func (r Report) Result(check string) (Result, bool) {
	for _, res := range r.Results {
		if res.Check == check {
			return res, true
		}
	}
	return Result{}, false
}

// WriteTable prints one row per check (status, name, detail or what the
// check asks), then the summary line.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tDETAIL")
	for _, res := range r.Results {
		detail := res.Detail
		if detail == "" {
			detail = res.Doc
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", res.Status, res.Check, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

// WriteJSON prints the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
