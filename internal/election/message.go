package election

import "fmt"

// MsgType is the kind of an election message.
type MsgType int

// The three messages of the Bully algorithm. On the wire, MsgElection is the
// server-to-server "election" request, MsgAnswer its reply
// {"election": "OK"}, and MsgCoordinator the announcement published on
// topic "servers".
const (
	MsgElection    MsgType = iota + 1 // "I am electing; are you alive and higher?"
	MsgAnswer                         // "Alive, and I take over": only from a higher peer.
	MsgCoordinator                    // "I am the coordinator", broadcast.
)

func (t MsgType) String() string {
	switch t {
	case MsgElection:
		return "election"
	case MsgAnswer:
		return "answer"
	case MsgCoordinator:
		return "coordinator"
	}
	return fmt.Sprintf("msgtype(%d)", int(t))
}

// Message is one election message. To is empty for a broadcast (the
// coordinator announcement). Rank is the sender's rank, so that a receiver
// can judge a sender its peer list does not know yet.
type Message struct {
	Type MsgType
	From string
	To   string
	Rank int
}

func (m Message) String() string {
	return fmt.Sprintf("%s %s(%d)->%s", m.Type, m.From, m.Rank, m.To)
}

// sender is the peer that sent m, as m describes it.
func (m Message) sender() Peer { return Peer{Name: m.From, Rank: m.Rank} }
