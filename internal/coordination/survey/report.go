package survey

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the survey's result.
type Report struct {
	Reference string   `json:"reference"`
	Servers   []Server `json:"servers"`
	// Coordinator is the one every answering server follows, itself
	// among them; "" when they disagree (Followers shows how).
	Coordinator string              `json:"coordinator"`
	Agreed      bool                `json:"agreed"`
	Followers   map[string][]string `json:"followers"` // coordinator named -> servers naming it ("" = none known)
	Unreachable []string            `json:"unreachable"`
	// Spread is max - min of the servers' clocks (Ahead), within
	// SpreadError (the largest round trip: each reading is off by at most
	// half of its own). SkewSpread is max - min of skew + offset, the
	// exact spread when every server runs on one host.
	Spread      float64 `json:"spread"`
	SpreadError float64 `json:"spread_error"`
	SkewSpread  float64 `json:"skew_spread"`
}

func summarize(reference string, servers []Server) Report {
	r := Report{Reference: reference, Servers: servers, Followers: map[string][]string{}, Unreachable: []string{}}
	var ahead, settled []float64
	for _, s := range servers {
		if s.Error != "" {
			r.Unreachable = append(r.Unreachable, s.Name)
			continue
		}
		r.Followers[s.Coordinator] = append(r.Followers[s.Coordinator], s.Name)
		ahead, settled = append(ahead, s.Ahead), append(settled, s.Skew+s.Offset)
		r.SpreadError = math.Max(r.SpreadError, s.RTT)
	}
	r.Spread, r.SkewSpread = spread(ahead), spread(settled)
	r.Coordinator, r.Agreed = agreement(r.Followers)
	return r
}

// agreement: one coordinator named by all, and it answered (it is among
// its own followers).
func agreement(followers map[string][]string) (string, bool) {
	if len(followers) != 1 {
		return "", false
	}
	for name, who := range followers {
		if name != "" && slices.Contains(who, name) {
			return name, true
		}
	}
	return "", false
}

func spread(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return slices.Max(v) - slices.Min(v)
}

// WriteJSON prints the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable prints one row per server, then the agreement and the spread.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVER\tRANK\tCOORDINATOR\tTIME\tOFFSET\tCLOCK\tPEERS\tUPTIME\tEVENTS")
	for _, s := range r.Servers {
		fmt.Fprintln(tw, s.row())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, r.summary())
	return err
}

func (s Server) row() string {
	if s.Error != "" {
		return fmt.Sprintf("%s\t%d\t(unreachable: %s)\t\t\t\t\t\t", s.Name, s.Rank, s.Error)
	}
	return fmt.Sprintf("%s\t%d\t%s\t%s\t%+.6fs\t%d\t%s\t%s\t%d", s.Name, s.Rank, orNone(s.Coordinator),
		clockTime(s.Time), s.Offset, s.Clock, strings.Join(s.Peers, ","), uptime(s.Uptime), s.Events)
}

func (r Report) summary() string {
	var b strings.Builder
	switch {
	case len(r.Servers) == 0:
		b.WriteString("no servers listed by the reference\n")
	case r.Agreed:
		fmt.Fprintf(&b, "coordinator: %s (agreed by all)\n", r.Coordinator)
	default:
		fmt.Fprintf(&b, "WARNING: servers disagree on the coordinator: %s\n", r.views())
	}
	if len(r.Unreachable) > 0 {
		fmt.Fprintf(&b, "WARNING: unreachable: %s\n", strings.Join(r.Unreachable, ", "))
	}
	fmt.Fprintf(&b, "clock spread: %.3f ms (±%.3f ms); skew+offset spread %.3f ms\n",
		r.Spread*1e3, r.SpreadError*1e3/2, r.SkewSpread*1e3)
	return b.String()
}

func (r Report) views() string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(r.Followers)) {
		parts = append(parts, fmt.Sprintf("%s according to %s", orNone(c), strings.Join(r.Followers[c], ", ")))
	}
	return strings.Join(parts, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func clockTime(s float64) string {
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC().Format("15:04:05.000000")
}

func uptime(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}
