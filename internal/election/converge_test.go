package election

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Bounds on the steps to agreement. A clean election needs a few hops; a
// dead coordinator the registry still lists costs an AnswerTimeout; lost
// messages cost timeouts and announce intervals.
const (
	cleanBound = 10
	staleBound = 20
	lossyBound = 60
)

// cluster returns n servers s1..sn with ranks 10, 20, ... so s<n> wins.
func cluster(n int) []Peer {
	peers := make([]Peer, n)
	for i := range peers {
		peers[i] = Peer{Name: fmt.Sprintf("s%d", i+1), Rank: 10 * (i + 1)}
	}
	return peers
}

func TestConvergesToHighestRank(t *testing.T) {
	tests := []struct {
		name    string
		servers []Peer
	}{
		{"one server", cluster(1)},
		{"two servers", cluster(2)},
		{"three servers", cluster(3)},
		{"four servers", cluster(4)},
		{"five servers", cluster(5)},
		{"rank order opposite to name order", []Peer{{"a", 3}, {"b", 2}, {"c", 1}}},
		{"sparse and negative ranks", []Peer{{"x", -5}, {"y", 100}, {"z", 7}}},
		{"tied ranks: greater name wins", []Peer{{"alpha", 1}, {"beta", 1}, {"gamma", 1}}},
		{"tie at the top only", []Peer{{"low", 1}, {"m", 9}, {"n", 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newSim(t, testConfig, tt.servers...).converge(0, cleanBound)
		})
	}
}

func TestSimultaneousElections(t *testing.T) {
	for n := 1; n <= 5; n++ {
		t.Run(fmt.Sprintf("%d servers", n), func(t *testing.T) {
			s := newSim(t, testConfig, cluster(n)...)
			s.converge(0, cleanBound)
			for _, name := range s.running() {
				s.nodes[name].Start()
			}
			s.converge(0, cleanBound)
		})
	}
}

// Servers start one at a time, the way a deployment brings them up.
func TestStaggeredStart(t *testing.T) {
	tests := []struct {
		name  string
		order []Peer
	}{
		{"lowest first", cluster(4)},
		{"highest first", []Peer{{"s4", 40}, {"s3", 30}, {"s2", 20}, {"s1", 10}}},
		{"middle first", []Peer{{"s2", 20}, {"s4", 40}, {"s1", 10}, {"s3", 30}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, testConfig)
			for _, p := range tt.order {
				s.add(p)
				s.converge(0, cleanBound)
			}
		})
	}
}

func TestCoordinatorCrash(t *testing.T) {
	tests := []struct {
		name  string
		crash func(s *sim, name string)
		bound int
	}{
		{"registry drops it", (*sim).kill, cleanBound},
		{"failure detector reports it, registry still lists it", func(s *sim, name string) {
			s.detector = true
			s.crash(name)
		}, staleBound},
	}
	for _, tt := range tests {
		for n := 2; n <= 5; n++ {
			t.Run(fmt.Sprintf("%s/%d servers", tt.name, n), func(t *testing.T) {
				s := newSim(t, testConfig, cluster(n)...)
				s.converge(0, cleanBound)
				tt.crash(s, s.highest(0))
				s.converge(0, tt.bound)
			})
		}
	}
}

func TestCoordinatorsCrashOneAfterAnother(t *testing.T) {
	s := newSim(t, testConfig, cluster(5)...)
	s.converge(0, cleanBound)
	for len(s.running()) > 1 {
		s.kill(s.highest(0))
		s.converge(0, cleanBound)
	}
}

// A crashed follower changes nothing for the others.
func TestFollowerCrashKeepsCoordinator(t *testing.T) {
	s := newSim(t, testConfig, cluster(4)...)
	s.converge(0, cleanBound)
	s.kill("s2")
	if n := s.converge(0, cleanBound); n != 0 {
		t.Fatalf("agreement lost for %d steps", n)
	}
}

func TestJoiningServer(t *testing.T) {
	tests := []struct {
		name   string
		joiner Peer
	}{
		{"higher rank takes over", Peer{"s9", 90}},
		{"lower rank follows", Peer{"s0", 1}},
		{"middle rank follows", Peer{"s25", 25}},
		{"equal rank, greater name takes over", Peer{"s4", 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, testConfig, cluster(3)...)
			s.converge(0, cleanBound)
			s.add(tt.joiner)
			s.converge(0, cleanBound)
		})
	}
}

func TestRestartedCoordinatorTakesOverAgain(t *testing.T) {
	for _, stale := range []bool{false, true} {
		t.Run(fmt.Sprintf("registry still lists it: %v", stale), func(t *testing.T) {
			s := newSim(t, testConfig, cluster(4)...)
			s.detector = stale
			s.converge(0, cleanBound)
			s.crash("s4")
			if !stale {
				s.unlist("s4")
			}
			s.converge(0, staleBound)
			s.add(Peer{"s4", 40})
			s.converge(0, cleanBound)
		})
	}
}

func TestLostMessagesConvergeOnceLossStops(t *testing.T) {
	tests := []struct {
		rate  float64
		seed  uint64
		stale bool // the registry keeps listing the crashed server
	}{
		{0.2, 1, false}, {0.2, 2, true}, {0.5, 3, false}, {0.5, 4, true},
		{0.8, 5, false}, {0.8, 6, true}, {1, 7, false}, {1, 8, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("rate %v seed %d stale %v", tt.rate, tt.seed, tt.stale), func(t *testing.T) {
			s := newSim(t, testConfig, cluster(5)...)
			s.detector = true
			s.lossy(tt.rate, tt.seed)
			churn(s, 100, tt.stale)
			s.lossy(0, 0)
			s.converge(0, lossyBound)
		})
	}
}

// churn runs the network for steps steps, crashing the top server half way
// and restarting it just before the end, so that elections are under way
// when losses stop.
func churn(s *sim, steps int, stale bool) {
	for i := range steps {
		switch i {
		case steps / 2:
			s.crash("s5")
			if !stale {
				s.unlist("s5")
			}
		case steps - 2:
			s.add(Peer{"s5", 50})
		}
		s.step()
	}
}

func TestPartitionHeals(t *testing.T) {
	s := newSim(t, testConfig, cluster(5)...)
	s.detector = true
	s.converge(0, cleanBound)
	s.partition(1, "s5", "s4")
	s.converge(0, staleBound)
	s.converge(1, staleBound)
	s.heal()
	s.converge(0, cleanBound)
}

// Without repeated announcements, the two sides of a healed partition stay
// split when the registry reports nothing new: each coordinator is stable
// and nothing makes either send a message. This documents what
// AnnounceInterval buys.
func TestHealedPartitionNeedsAnnouncements(t *testing.T) {
	cfg := testConfig
	cfg.AnnounceInterval = -1
	s := newSim(t, cfg, cluster(3)...)
	s.detector = true
	s.converge(0, cleanBound)
	s.partition(1, "s3")
	s.converge(0, staleBound)
	s.heal()
	for range 50 {
		s.step()
	}
	if _, ok := s.agreedLeader(0); ok {
		t.Fatalf("agreed without announcements; the test no longer shows their use: %s", s.describe())
	}
}

// A lower server that claims coordination (it saw no higher peer: an empty
// registry list) is overruled by the higher live servers.
func TestLowerClaimantIsOverruled(t *testing.T) {
	s := newSim(t, testConfig, cluster(3)...)
	s.converge(0, cleanBound)
	claim := Message{Type: MsgCoordinator, From: "s1", Rank: 10}
	for _, name := range []string{"s2", "s3"} {
		s.nodes[name].Step(claim)
		s.inflight = append(s.inflight, s.nodes[name].Ready()...)
	}
	s.converge(0, cleanBound)
}

// Random crashes, restarts, partitions and losses, reproducible by seed;
// once the faults stop, the survivors must agree on the highest of them.
func TestRandomFaultsConvergeOnceTheyStop(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			f := newFaults(t, seed)
			for range 80 {
				f.inject()
				f.s.step()
			}
			f.stop()
			f.s.converge(0, lossyBound)
		})
	}
}

// faults drives a simulated cluster of 1 to 5 servers through random
// failures. Without a failure detector, crashed servers leave the registry
// at once (otherwise nothing would tell the survivors).
type faults struct {
	s   *sim
	rng *rand.Rand
	all []Peer
}

func newFaults(t *testing.T, seed uint64) *faults {
	rng := rand.New(rand.NewPCG(seed, 99))
	all := cluster(1 + rng.IntN(5))
	s := newSim(t, testConfig, all...)
	s.detector = rng.IntN(2) == 0
	s.lossy(rng.Float64(), seed)
	return &faults{s: s, rng: rng, all: all}
}

func (f *faults) inject() {
	if f.rng.IntN(10) == 0 {
		f.crashOrRestart(f.all[f.rng.IntN(len(f.all))])
	}
	if f.s.detector && f.rng.IntN(15) == 0 {
		f.s.partition(1, f.all[f.rng.IntN(len(f.all))].Name)
	}
	if f.rng.IntN(10) == 0 {
		f.s.heal()
	}
}

func (f *faults) crashOrRestart(p Peer) {
	if _, up := f.s.nodes[p.Name]; !up {
		f.s.add(p)
		return
	}
	if len(f.s.nodes) == 1 {
		return
	}
	f.s.crash(p.Name)
	if !f.s.detector || f.rng.IntN(2) == 0 {
		f.s.unlist(p.Name)
	}
}

// stop ends the faults: the network heals, losses stop and the registry
// catches up with the crashes.
func (f *faults) stop() {
	f.s.heal()
	f.s.lossy(0, 0)
	for _, p := range f.all {
		if _, up := f.s.nodes[p.Name]; !up {
			f.s.unlist(p.Name)
		}
	}
}
