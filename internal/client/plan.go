package client

// Plan is one history fetch of a catch-up: the page after After (the newest
// page when After is ""), of which at most Show new messages are shown (all
// when Show < 0). Prime is the first fetch of a topic: it only establishes
// where the topic stands and shows the backlog.
type Plan struct {
	After string
	Limit int
	Show  int
	Prime bool
}

// Plan returns the first fetch of a catch-up of topic: the newest page
// (backlog) on the first subscription, else the pages after the resume
// cursor.
func (r *Resumer) Plan(topic string) Plan {
	t := r.tracks[topic]
	if t == nil || !t.primed {
		return Plan{Limit: max(r.opts.Backlog, 1), Show: r.opts.Backlog, Prime: true}
	}
	return Plan{After: t.cursor(r.opts.Overlap), Limit: r.opts.PageSize, Show: -1}
}

// Take records a page fetched for p and returns what to show, oldest first:
// the messages of topic not shown before (the last p.Show of them). The
// messages left out still count for the resume cursor, but not as shown, so
// that their live copies still show. A catch-up never shows what sorts at
// or before the newest message present when the topic was first followed
// (the floor): that is old history, even if it sorts after the cursor
// because a server's clock ran backwards.
func (r *Resumer) Take(topic string, p Plan, page []Message) []Message {
	t := r.track(topic)
	if p.Prime {
		t.raiseFloor(page)
	}
	var fresh []Message
	for _, m := range page {
		if m.Topic == topic && t.news(m, p.Prime) {
			fresh = append(fresh, m)
			t.place(m)
		}
	}
	if p.Show >= 0 && len(fresh) > p.Show {
		fresh = fresh[len(fresh)-p.Show:]
	}
	for _, m := range fresh {
		t.show(m)
	}
	t.primed = t.primed || p.Prime
	return fresh
}

// Next is the fetch after page, false when page was the last one.
func (p Plan) Next(page []Message) (Plan, bool) {
	if p.Prime || len(page) < p.Limit || page[len(page)-1].ID == "" {
		return p, false
	}
	return Plan{After: page[len(page)-1].ID, Limit: p.Limit, Show: -1}, true
}
