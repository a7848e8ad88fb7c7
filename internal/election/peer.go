package election

// Peer is a server taking part in elections, with the rank the reference
// registry gave it.
type Peer struct {
	Name string
	Rank int
}

// Outranks reports whether p wins an election against q. The higher rank
// wins; equal ranks (the registry should not hand them out, but nothing
// forbids it) are broken by the greater name, so that every node orders
// any two peers the same way and exactly one of them wins.
func (p Peer) Outranks(q Peer) bool {
	if p.Rank != q.Rank {
		return p.Rank > q.Rank
	}
	return p.Name > q.Name
}
