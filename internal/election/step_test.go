package election

import (
	"slices"
	"testing"
)

// The golden table: a node in a given state receives one input; these are
// exactly the messages it sends and where it ends up. Ranks: s1=10, s2=20,
// s3=30, s4=40.
var (
	s1 = Peer{"s1", 10}
	s2 = Peer{"s2", 20}
	s3 = Peer{"s3", 30}
	s4 = Peer{"s4", 40}
)

func election(from, to Peer) Message { return Message{MsgElection, from.Name, to.Name, from.Rank} }
func answer(from, to Peer) Message   { return Message{MsgAnswer, from.Name, to.Name, from.Rank} }
func announce(from Peer) Message     { return Message{MsgCoordinator, from.Name, "", from.Rank} }

// input is one thing that happens to a node.
type input func(n *Node)

func step(m Message) input       { return func(n *Node) { n.Step(m) } }
func peers(ps ...Peer) input     { return func(n *Node) { n.SetPeers(ps) } }
func lost(name string) input     { return func(n *Node) { n.CoordinatorLost(name) } }
func start() input               { return (*Node).Start }
func ticks(k int) input          { return func(n *Node) { repeat(k, n.Tick) } }
func follow(leader Peer) input   { return step(announce(leader)) }
func inputs(in ...input) []input { return in }
func repeat(k int, f func()) {
	for range k {
		f()
	}
}

// goldenConfig makes timeouts distinct so the table shows which one fired.
func goldenConfig(self Peer) Config {
	return Config{Self: self, AnswerTimeout: 2, CoordinatorTimeout: 4, AnnounceInterval: 3}
}

func TestStepGolden(t *testing.T) {
	tests := []struct {
		name       string
		self       Peer
		given      []input // brings the node into the starting state; output discarded
		when       input
		wantState  State
		wantLeader string
		wantSent   []Message
	}{
		// Starting an election.
		{"alone: start wins at once", s1, nil, start(),
			Coordinator, "s1", []Message{announce(s1)}},
		{"start asks every higher peer, highest first", s2, inputs(peers(s1, s3, s4)), start(),
			Electing, "", []Message{election(s2, s4), election(s2, s3)}},
		{"highest: start wins at once", s4, inputs(peers(s1, s2, s3)), start(),
			Coordinator, "s4", []Message{announce(s4)}},
		{"first tick without coordinator starts an election", s2, inputs(peers(s1, s3)), ticks(1),
			Electing, "", []Message{election(s2, s3)}},
		{"start during an election restarts it", s2, inputs(peers(s3), start(), ticks(1)), start(),
			Electing, "", []Message{election(s2, s3)}},

		// Electing: waiting for an Answer.
		{"answer from higher: wait for its announcement", s2, inputs(peers(s3), start()), step(answer(s3, s2)),
			WaitingForCoordinator, "", nil},
		{"answer from lower is ignored", s2, inputs(peers(s1, s3), start()), step(answer(s1, s2)),
			Electing, "", nil},
		{"no answer within AnswerTimeout: win", s2, inputs(peers(s3), start(), ticks(1)), ticks(1),
			Coordinator, "s2", []Message{announce(s2)}},
		{"election from lower while electing: answer, no restart", s2, inputs(peers(s1, s3), start()), step(election(s1, s2)),
			Electing, "", []Message{answer(s2, s1)}},
		{"announcement from higher ends the election", s2, inputs(peers(s3, s4), start()), follow(s3),
			Follower, "s3", nil},
		{"lower claimant while electing: keep electing", s2, inputs(peers(s1, s3), start()), follow(s1),
			Electing, "", nil},

		// Waiting for the coordinator's announcement.
		{"announcement arrives", s2, inputs(peers(s3), start(), step(answer(s3, s2))), follow(s3),
			Follower, "s3", nil},
		{"no announcement within CoordinatorTimeout: start over", s2, inputs(peers(s3), start(), step(answer(s3, s2)), ticks(3)), ticks(1),
			Electing, "", []Message{election(s2, s3)}},
		{"second answer changes nothing", s2, inputs(peers(s3, s4), start(), step(answer(s3, s2))), step(answer(s4, s2)),
			WaitingForCoordinator, "", nil},

		// Following.
		{"announcement from higher is followed", s2, inputs(peers(s1, s3)), follow(s3),
			Follower, "s3", nil},
		{"announcement from a new higher replaces the old", s2, inputs(peers(s3, s4), follow(s3)), follow(s4),
			Follower, "s4", nil},
		{"election from lower: answer and take over", s2, inputs(peers(s1, s3), follow(s3)), step(election(s1, s2)),
			Electing, "", []Message{answer(s2, s1), election(s2, s3)}},
		{"election from lower at the top: answer and win", s3, inputs(peers(s1, s2)), step(election(s1, s3)),
			Coordinator, "s3", []Message{answer(s3, s1), announce(s3)}},
		{"election from higher is ignored", s2, inputs(peers(s3), follow(s3)), step(election(s3, s2)),
			Follower, "s3", nil},
		{"lower claimant is overruled", s2, inputs(peers(s1, s3), follow(s3)), follow(s1),
			Electing, "", []Message{election(s2, s3)}},
		{"coordinator lost: elect", s2, inputs(peers(s1, s3), follow(s3)), lost("s3"),
			Electing, "", []Message{election(s2, s3)}},
		{"late loss report of a replaced coordinator is ignored", s2, inputs(peers(s3, s4), follow(s3), follow(s4)), lost("s3"),
			Follower, "s4", nil},
		{"coordinator leaves the registry list: elect", s2, inputs(peers(s1, s3, s4), follow(s4)), peers(s1, s3),
			Electing, "", []Message{election(s2, s3)}},
		{"higher peer joins the list: elect", s2, inputs(peers(s1, s3), follow(s3)), peers(s1, s3, s4),
			Electing, "", []Message{election(s2, s4), election(s2, s3)}},
		{"lower peer joins the list: nothing", s2, inputs(peers(s3), follow(s3)), peers(s1, s3),
			Follower, "s3", nil},
		{"dead higher peer still listed: nothing new", s2, inputs(peers(s3, s4), follow(s3)), peers(s3, s4),
			Follower, "s3", nil},
		{"self in the list is ignored", s2, inputs(peers(s3), follow(s3)), peers(Peer{"s2", 99}, s3),
			Follower, "s3", nil},
		{"unlisted coordinator heard from recently: keep following", s2, inputs(peers(s1), follow(s3), ticks(2)), ticks(1),
			Follower, "s3", nil},
		{"unlisted coordinator silent for CoordinatorTimeout: elect", s2, inputs(peers(s1), follow(s3), ticks(3)), ticks(1),
			Coordinator, "s2", []Message{announce(s2)}},
		{"listed coordinator needs no announcements", s2, inputs(peers(s3), follow(s3)), ticks(100),
			Follower, "s3", nil},

		// Coordinating.
		{"announcement repeats every AnnounceInterval", s2, inputs(start(), ticks(2)), ticks(1),
			Coordinator, "s2", []Message{announce(s2)}},
		{"lower claimant: announce again", s2, inputs(peers(s1), start()), follow(s1),
			Coordinator, "s2", []Message{announce(s2)}},
		{"higher announcer: yield", s2, inputs(peers(s1), start()), follow(s3),
			Follower, "s3", nil},
		{"higher peer joins: yield to an election", s2, inputs(peers(s1), start()), peers(s1, s3),
			Electing, "", []Message{election(s2, s3)}},
		{"loss report about self is ignored", s2, inputs(start()), lost("s2"),
			Coordinator, "s2", nil},

		// Addressing and ties.
		{"message for another node is ignored", s2, inputs(peers(s3), follow(s3)), step(election(s1, s4)),
			Follower, "s3", nil},
		{"own broadcast echoed back is ignored", s2, inputs(peers(s3), follow(s3)), follow(s2),
			Follower, "s3", nil},
		{"message without sender is ignored", s2, inputs(peers(s3), follow(s3)), step(Message{Type: MsgElection, To: "s2"}),
			Follower, "s3", nil},
		{"unknown message type is ignored", s2, inputs(peers(s3), follow(s3)), step(Message{Type: 99, From: "s1", To: "s2"}),
			Follower, "s3", nil},
		{"equal rank, greater name wins", Peer{"b", 5}, inputs(peers(Peer{"a", 5}, Peer{"c", 5})), start(),
			Electing, "", []Message{{MsgElection, "b", "c", 5}}},
		{"equal rank, smaller name is bullied", Peer{"b", 5}, nil, step(Message{MsgElection, "a", "b", 5}),
			Coordinator, "b", []Message{{MsgAnswer, "b", "a", 5}, {MsgCoordinator, "b", "", 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := New(goldenConfig(tt.self))
			for _, in := range tt.given {
				in(n)
			}
			n.Ready()
			tt.when(n)
			checkNode(t, n, tt.wantState, tt.wantLeader, tt.wantSent)
		})
	}
}

func checkNode(t *testing.T, n *Node, state State, leader string, sent []Message) {
	t.Helper()
	got, _ := n.Coordinator()
	if n.State() != state || got != leader {
		t.Errorf("state %v following %q, want %v following %q", n.State(), got, state, leader)
	}
	if out := n.Ready(); !slices.Equal(out, sent) {
		t.Errorf("sent %v\nwant %v", out, sent)
	}
	if out := n.Ready(); len(out) != 0 {
		t.Errorf("Ready did not drain: %v", out)
	}
}
