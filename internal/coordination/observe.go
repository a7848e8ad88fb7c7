package coordination

import (
	"time"

	"zchat/internal/election"
)

// counters are the loop's statistics, published in status.
type counters struct {
	elections int // elections this server took part in
}

// observe notices what the last input changed in the node: an election
// starting, a new coordinator. It logs only those changes, never a line per
// message, and publishes the state for status and the services.
func (l *loop) observe() {
	state := l.node.State()
	leader, _ := l.node.Coordinator()
	if startsElection(l.state, state) {
		l.counters.elections++
	}
	if leader != l.leader {
		l.leaderChanged(leader)
	}
	l.state, l.leader = state, leader
	l.c.setElection(leader, state.String(), l.self.Rank, l.counters.elections)
}

// startsElection: entering Electing, or winning at once (the highest live
// server goes straight from following to coordinating).
func startsElection(from, to election.State) bool {
	switch to {
	case election.Electing:
		return from != election.Electing
	case election.Coordinator:
		return from == election.Follower || from == election.WaitingForCoordinator
	}
	return false
}

// leaderChanged resets the work that depends on who coordinates, and logs
// a coordinator different from the last one known (not the gap of an
// election, nor the same coordinator elected again).
func (l *loop) leaderChanged(leader string) {
	l.probe = probe{}
	if leader == l.self.Name {
		l.sync.lastEnd = time.Time{} // a new coordinator synchronizes at once
	}
	if leader != "" && leader != l.known {
		l.c.log.Info("coordinator", "coordinator", leader, "previous", l.known, "self", leader == l.self.Name)
		l.known = leader
	}
}
