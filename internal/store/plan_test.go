package store

import (
	"context"
	"strings"
	"testing"
)

// The request-id lookup runs for every post with a request id, submitted
// or replicated. It must use the request-id index: with the plain ORDER BY
// SQLite prefers events_by_user (it yields the order without a sort) and
// scans every post of the user, which makes a catch-up quadratic in the
// posts per user (a 10k-post bot: 1.4k events/s instead of 100k+). Nor may
// it sort: SQLite's sorter costs more than the lookup itself.
func TestFindVisibleUsesRequestIDIndex(t *testing.T) {
	s := openT(t, "plan", Options{})
	rows, err := s.wdb.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+sqlFindVisible, 3, "u", "r")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "INDEX events_by_reqid") || strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("request-id lookup plan: %s; want events_by_reqid without a sort", got)
	}
}
