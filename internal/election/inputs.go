package election

// Start begins an election now, even if one is under way: ask every
// higher peer, or win at once when there is none.
func (n *Node) Start() {
	n.leader = Peer{}
	higher := n.higherPeers()
	if len(higher) == 0 {
		n.becomeCoordinator()
		return
	}
	n.enter(Electing)
	for _, p := range higher {
		n.send(MsgElection, p.Name)
	}
}

// Tick tells the node that one tick of time has passed.
func (n *Node) Tick() {
	n.waited++
	switch n.state {
	case Follower:
		n.checkLeader()
	case Electing:
		n.expire(n.cfg.AnswerTimeout, n.becomeCoordinator)
	case WaitingForCoordinator:
		n.expire(n.cfg.CoordinatorTimeout, n.Start)
	case Coordinator:
		n.expire(n.cfg.AnnounceInterval, n.announce)
	}
}

// CoordinatorLost tells the node that the wiring could not reach the
// coordinator name. The name guards against a late report: a failure of a
// coordinator already replaced must not start another election.
func (n *Node) CoordinatorLost(name string) {
	if n.state == Follower && name != "" && name == n.leader.Name {
		n.Start()
	}
}

// SetPeers replaces the live membership with the registry's list (self may
// be in it; it is ignored). The coordinator leaving the list, or a new peer
// outranking the coordinator (a higher server joined), starts an election.
// Only peers new to the list count, so a dead server the registry has not
// yet dropped does not restart elections at every call.
func (n *Node) SetPeers(peers []Peer) {
	old := n.peers
	n.peers = n.others(peers)
	if n.leaderLeft(old) || n.joinedAboveLeader(old) {
		n.startUnlessElecting()
	}
}

// Step handles an incoming message. Ignored: messages addressed to
// another node, from self (a broadcast echoed back), or without a sender
// (an answer to it would be addressed to everyone). The wiring names
// senders that the standard request leaves anonymous.
func (n *Node) Step(m Message) {
	self := n.cfg.Self.Name
	if m.From == "" || m.From == self || (m.To != "" && m.To != self) {
		return
	}
	switch m.Type {
	case MsgElection:
		n.onElection(m.sender())
	case MsgAnswer:
		n.onAnswer(m.sender())
	case MsgCoordinator:
		n.onCoordinator(m.sender())
	}
}
