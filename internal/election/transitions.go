package election

// onElection bullies a lower peer: answer it, then take over by electing.
// An Election from a higher peer is not part of the protocol (elections go
// upwards) and is ignored.
func (n *Node) onElection(from Peer) {
	if !n.cfg.Self.Outranks(from) {
		return
	}
	n.send(MsgAnswer, from.Name)
	n.startUnlessElecting()
}

// onAnswer: a higher peer is alive and takes over, so stop asking and wait
// for its announcement. Late or stray answers change nothing.
func (n *Node) onAnswer(from Peer) {
	if n.state == Electing && from.Outranks(n.cfg.Self) {
		n.enter(WaitingForCoordinator)
	}
}

// onCoordinator follows a higher announcer, whatever the node was doing.
// A lower one claims a place this live node outranks: take it over.
func (n *Node) onCoordinator(from Peer) {
	if from.Outranks(n.cfg.Self) {
		n.enter(Follower)
		n.leader = from
		return
	}
	n.startUnlessElecting()
}

// checkLeader starts an election for a follower with no coordinator (at
// start-up, or after one was lost), or whose coordinator has been neither
// listed by the registry nor heard from for CoordinatorTimeout ticks. The
// latter is a coordinator learned from an announcement that arrived after
// the registry dropped it (or before it listed it): nothing else would
// ever tell if it is dead. Each announcement restarts the count.
func (n *Node) checkLeader() {
	_, listed := n.peers[n.leader.Name]
	if n.leader.Name == "" || (!listed && n.waited >= n.cfg.CoordinatorTimeout) {
		n.Start()
	}
}

// expire calls then when the node has spent timeout ticks in its state; a
// negative timeout never expires.
func (n *Node) expire(timeout int, then func()) {
	if timeout >= 0 && n.waited >= timeout {
		then()
	}
}

func (n *Node) becomeCoordinator() {
	n.leader = n.cfg.Self
	n.announce()
}

// announce broadcasts that self is the coordinator.
func (n *Node) announce() {
	n.enter(Coordinator)
	n.send(MsgCoordinator, "")
}

func (n *Node) startUnlessElecting() {
	if n.state != Electing && n.state != WaitingForCoordinator {
		n.Start()
	}
}

// enter switches state and restarts the tick count of the new state.
func (n *Node) enter(s State) {
	n.state, n.waited = s, 0
}

func (n *Node) send(t MsgType, to string) {
	self := n.cfg.Self
	n.outbox = append(n.outbox, Message{Type: t, From: self.Name, To: to, Rank: self.Rank})
}
