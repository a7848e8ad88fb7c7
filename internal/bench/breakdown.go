package bench

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// bucket is a part of the servers' CPU time recognised by the symbols
// under it in a perf report (inclusive time).
type bucket struct {
	label   string
	symbols []string // a symbol matches when it starts with one of these
}

// buckets overlap (fsync is inside the store writer, which is inside a
// goroutine): each is read on its own, as a share of all samples.
var buckets = []bucket{
	{"kernel scheduler (context switches)", []string{"finish_task_switch"}},
	{"Go runtime's sysmon thread", []string{"runtime.sysmon"}},
	{"Go garbage collector", []string{"runtime.gcBgMarkWorker"}},
	{"request handling (server.Handler.Handle)", []string{"zchat/internal/server.(*Handler).Handle"}},
	{"store writer (SQLite writes and fsync)", []string{"zchat/internal/store.(*Store).writeLoop"}},
	{"fsync in the kernel", []string{"do_fsync"}},
	{"history queries (store.History)", []string{"zchat/internal/store.(*Store).History"}},
	{"replication", []string{"zchat/internal/replication."}},
	{"Responder socket loop", []string{"zchat/internal/transport.(*Responder).loop"}},
	{"publisher", []string{"zchat/internal/server.(*publisher)"}},
}

// share is one bucket's part of the samples.
type share struct {
	label   string
	percent float64
}

// breakdown reads the inclusive section of a profile's text and returns
// the buckets found, largest first.
func breakdown(profile string) []share {
	incl := section(profile, sectionInclusive)
	var out []share
	for _, b := range buckets {
		best := 0.0
		for line := range strings.Lines(incl) {
			pct, sym, ok := parseInclusive(line)
			if ok && slices.ContainsFunc(b.symbols, func(p string) bool { return strings.HasPrefix(sym, p) }) {
				best = max(best, pct)
			}
		}
		if best > 0 {
			out = append(out, share{b.label, best})
		}
	}
	slices.SortStableFunc(out, func(a, b share) int { return cmp.Compare(b.percent, a.percent) })
	return out
}

// section is the body of a "## title" section.
func section(text, title string) string {
	_, rest, ok := strings.Cut(text, "## "+title+"\n")
	if !ok {
		return ""
	}
	body, _, _ := strings.Cut(rest, "\n## ")
	return body
}

// parseInclusive reads "  41.70%     0.09%  [k] do_syscall_64".
func parseInclusive(line string) (float64, string, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasSuffix(f[0], "%") {
		return 0, "", false
	}
	pct, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
	if err != nil {
		return 0, "", false
	}
	return pct, strings.Join(f[3:], " "), true
}

func (s share) String() string { return fmt.Sprintf("%.0f%% %s", s.percent, s.label) }
