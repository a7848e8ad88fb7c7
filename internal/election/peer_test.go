package election

import (
	"slices"
	"testing"
)

func TestOutranks(t *testing.T) {
	tests := []struct {
		p, q Peer
		want bool
	}{
		{Peer{"a", 2}, Peer{"b", 1}, true},
		{Peer{"b", 1}, Peer{"a", 2}, false},
		{Peer{"a", -1}, Peer{"b", -2}, true},
		{Peer{"b", 1}, Peer{"a", 1}, true},
		{Peer{"a", 1}, Peer{"b", 1}, false},
		{Peer{"a", 1}, Peer{"a", 1}, false},
	}
	for _, tt := range tests {
		if got := tt.p.Outranks(tt.q); got != tt.want {
			t.Errorf("%v.Outranks(%v) = %v, want %v", tt.p, tt.q, got, tt.want)
		}
	}
}

func TestPeersHighestFirstWithoutSelf(t *testing.T) {
	n := New(Config{Self: s2})
	n.SetPeers([]Peer{s1, s4, s2, {"", 99}, s3})
	want := []Peer{s4, s3, s1}
	if got := n.Peers(); !slices.Equal(got, want) {
		t.Fatalf("Peers() = %v, want %v", got, want)
	}
	if highestFirst(s1, s1) != 0 {
		t.Fatal("a peer is not ordered equal to itself")
	}
}

// Zero timeouts count as one tick, and the announcement interval defaults
// to half the coordinator timeout.
func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want Config
	}{
		{"zero timeouts", Config{Self: s1}, Config{Self: s1, AnswerTimeout: 1, CoordinatorTimeout: 1, AnnounceInterval: 1}},
		{"negative timeouts", Config{Self: s1, AnswerTimeout: -3, CoordinatorTimeout: -3}, Config{Self: s1, AnswerTimeout: 1, CoordinatorTimeout: 1, AnnounceInterval: 1}},
		{"announce at half the coordinator timeout", Config{Self: s1, AnswerTimeout: 2, CoordinatorTimeout: 9}, Config{Self: s1, AnswerTimeout: 2, CoordinatorTimeout: 9, AnnounceInterval: 4}},
		{"announcements disabled stay disabled", Config{Self: s1, AnswerTimeout: 2, CoordinatorTimeout: 9, AnnounceInterval: -1}, Config{Self: s1, AnswerTimeout: 2, CoordinatorTimeout: 9, AnnounceInterval: -1}},
		{"explicit values are kept", Config{Self: s1, AnswerTimeout: 2, CoordinatorTimeout: 9, AnnounceInterval: 7}, Config{Self: s1, AnswerTimeout: 2, CoordinatorTimeout: 9, AnnounceInterval: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(tt.cfg).cfg; got != tt.want {
				t.Fatalf("config %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAnnouncementsDisabled(t *testing.T) {
	n := New(Config{Self: s1, AnnounceInterval: -1})
	n.Start()
	n.Ready()
	repeat(100, n.Tick)
	if out := n.Ready(); len(out) != 0 {
		t.Fatalf("announced with announcements disabled: %v", out)
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{MsgElection.String(), "election"},
		{MsgAnswer.String(), "answer"},
		{MsgCoordinator.String(), "coordinator"},
		{MsgType(9).String(), "msgtype(9)"},
		{Follower.String(), "follower"},
		{Electing.String(), "electing"},
		{WaitingForCoordinator.String(), "waiting-for-coordinator"},
		{Coordinator.String(), "coordinator"},
		{State(9).String(), "state(9)"},
		{election(s1, s2).String(), "election s1(10)->s2"},
		{announce(s3).String(), "coordinator s3(30)->"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
