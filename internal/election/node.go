package election

import (
	"fmt"
	"maps"
	"slices"
)

// State is where a node stands in the election protocol.
type State int

// The states of a node. A node that knows no coordinator and is not
// electing is a Follower without a coordinator; it starts an election on
// its next tick.
const (
	Follower              State = iota // following the coordinator, if one is known
	Electing                           // asked the higher peers; waiting for an Answer
	WaitingForCoordinator              // a higher peer answered; waiting for its announcement
	Coordinator                        // this node is the coordinator
)

func (s State) String() string {
	switch s {
	case Follower:
		return "follower"
	case Electing:
		return "electing"
	case WaitingForCoordinator:
		return "waiting-for-coordinator"
	case Coordinator:
		return "coordinator"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Config sets up a node. Durations are counted in ticks, whose length the
// wiring chooses. Timeouts below 1 count as 1.
type Config struct {
	Self Peer
	// AnswerTimeout is how long an electing node waits for an Answer from
	// a higher peer before declaring itself coordinator.
	AnswerTimeout int
	// CoordinatorTimeout is how long a node that got an Answer waits for
	// the announcement before starting over.
	CoordinatorTimeout int
	// AnnounceInterval makes a coordinator repeat its announcement every
	// so many ticks; 0 means CoordinatorTimeout/2 (at least 1), a negative
	// value disables repetition. Bully assumes reliable delivery; repeating
	// heals what one lost broadcast leaves behind (a follower that missed
	// it, ZeroMQ's slow subscriber, two coordinators after a healed
	// partition: the lower yields on hearing the higher) and keeps
	// followers of a coordinator the registry does not list yet from
	// timing out. Keep it below CoordinatorTimeout.
	AnnounceInterval int
}

// Node is one server's view of the election.
type Node struct {
	cfg    Config
	peers  map[string]Peer // live servers other than self, by name
	state  State
	leader Peer // the known coordinator (maybe self); Name is empty when none
	waited int  // ticks spent in the current state
	outbox []Message
}

// New returns a Follower that knows no peers and no coordinator.
func New(cfg Config) *Node {
	cfg.AnswerTimeout = max(cfg.AnswerTimeout, 1)
	cfg.CoordinatorTimeout = max(cfg.CoordinatorTimeout, 1)
	if cfg.AnnounceInterval == 0 {
		cfg.AnnounceInterval = max(cfg.CoordinatorTimeout/2, 1)
	}
	return &Node{cfg: cfg, peers: map[string]Peer{}}
}

// State returns the node's protocol state.
func (n *Node) State() State { return n.state }

// Coordinator returns the coordinator this node follows (possibly itself).
// There is none while an election is under way.
func (n *Node) Coordinator() (string, bool) { return n.leader.Name, n.leader.Name != "" }

// Peers returns the live peers other than self, highest first.
func (n *Node) Peers() []Peer {
	return slices.SortedFunc(maps.Values(n.peers), highestFirst)
}

// Ready returns the messages to send and forgets them.
func (n *Node) Ready() []Message {
	out := n.outbox
	n.outbox = nil
	return out
}

func highestFirst(a, b Peer) int {
	switch {
	case a.Outranks(b):
		return -1
	case b.Outranks(a):
		return 1
	}
	return 0
}
