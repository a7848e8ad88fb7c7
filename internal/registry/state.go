package registry

import (
	"slices"
	"time"
)

// Member is a server as the registry knows it.
type Member struct {
	Name string
	Rank int
	Addr string // advertised server-to-server endpoint; "" when unknown
}

// State is the registry's state, free of I/O and of the clock: every
// method takes the current time. It is not safe for concurrent use.
type State struct {
	timeout  time.Duration
	ranks    map[string]int
	maxRank  int
	addrs    map[string]string
	seen     map[string]time.Time
	reported map[string]bool // live set last returned by Changes
}

// NewState starts from the persisted ranks (may be nil); a server is live
// while its last request is younger than timeout.
func NewState(timeout time.Duration, ranks map[string]int) *State {
	s := &State{
		timeout:  timeout,
		ranks:    map[string]int{},
		addrs:    map[string]string{},
		seen:     map[string]time.Time{},
		reported: map[string]bool{},
	}
	for name, r := range ranks {
		s.ranks[name] = r
		s.maxRank = max(s.maxRank, r)
	}
	return s
}

// Touch records a rank or heartbeat request from name: it assigns a rank
// to a new name (fresh is true: the caller persists it, or calls Forget),
// restores a known one, marks the server live and, when addr is not
// empty, records its address.
func (s *State) Touch(name, addr string, now time.Time) (rank int, fresh bool) {
	rank, known := s.ranks[name]
	if !known {
		s.maxRank++
		rank = s.maxRank
		s.ranks[name] = rank
	}
	if addr != "" {
		s.addrs[name] = addr
	}
	s.seen[name] = now
	return rank, !known
}

// Forget undoes the rank assignment of a fresh name whose rank could not
// be persisted.
func (s *State) Forget(name string) {
	if s.ranks[name] == s.maxRank {
		s.maxRank--
	}
	delete(s.ranks, name)
	delete(s.addrs, name)
	delete(s.seen, name)
}

// Live returns the live servers sorted by rank.
func (s *State) Live(now time.Time) []Member {
	var out []Member
	for name, at := range s.seen {
		if now.Sub(at) < s.timeout {
			out = append(out, Member{Name: name, Rank: s.ranks[name], Addr: s.addrs[name]})
		}
	}
	slices.SortFunc(out, func(a, b Member) int { return a.Rank - b.Rank })
	return out
}

// Changes returns the servers that joined and left the live set since the
// previous call.
func (s *State) Changes(now time.Time) (joined, left []Member) {
	live := s.Live(now)
	current := make(map[string]bool, len(live))
	for _, m := range live {
		current[m.Name] = true
		if !s.reported[m.Name] {
			joined = append(joined, m)
		}
	}
	for name := range s.reported {
		if !current[name] {
			left = append(left, Member{Name: name, Rank: s.ranks[name], Addr: s.addrs[name]})
		}
	}
	slices.SortFunc(left, func(a, b Member) int { return a.Rank - b.Rank })
	s.reported = current
	return joined, left
}
