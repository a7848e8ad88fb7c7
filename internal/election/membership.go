package election

// others indexes peers by name without self and without nameless entries.
func (n *Node) others(peers []Peer) map[string]Peer {
	byName := make(map[string]Peer, len(peers))
	for _, p := range peers {
		if p.Name != "" && p.Name != n.cfg.Self.Name {
			byName[p.Name] = p
		}
	}
	return byName
}

// higherPeers are the peers that would win against self, highest first.
func (n *Node) higherPeers() []Peer {
	var higher []Peer
	for _, p := range n.Peers() {
		if p.Outranks(n.cfg.Self) {
			higher = append(higher, p)
		}
	}
	return higher
}

// leaderLeft reports whether the coordinator was in the old list and is
// no longer: the registry saw it stop. A coordinator learned only from its
// announcement, never listed yet, has not left.
func (n *Node) leaderLeft(old map[string]Peer) bool {
	_, was := old[n.leader.Name]
	_, is := n.peers[n.leader.Name]
	return was && !is
}

// joinedAboveLeader reports whether a peer that was not in the old list
// outranks the current coordinator.
func (n *Node) joinedAboveLeader(old map[string]Peer) bool {
	if n.leader.Name == "" {
		return false
	}
	for name, p := range n.peers {
		if _, known := old[name]; !known && p.Outranks(n.leader) {
			return true
		}
	}
	return false
}
