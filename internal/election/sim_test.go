package election

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// sim is an in-memory network of nodes driven in lockstep. Each step the
// registry reports its list to every running node, the failure detector
// (when on) reports unreachable coordinators, the messages sent in the
// previous step are delivered (or lost), and every node ticks once. So a
// message takes one step per hop.
type sim struct {
	t        *testing.T
	cfg      Config           // timeouts for every node; Self is set per node
	servers  map[string]Peer  // every server ever added, running or not
	nodes    map[string]*Node // running servers
	listed   map[string]bool  // what the registry lists
	group    map[string]int   // partition group; messages across groups are lost
	inflight []Message
	dropRate float64
	rng      *rand.Rand
	detector bool
	steps    int
}

// testConfig is the configuration of every simulated node.
var testConfig = Config{AnswerTimeout: 3, CoordinatorTimeout: 6, AnnounceInterval: 5}

func newSim(t *testing.T, cfg Config, servers ...Peer) *sim {
	s := &sim{
		t: t, cfg: cfg, servers: map[string]Peer{}, nodes: map[string]*Node{},
		listed: map[string]bool{}, group: map[string]int{}, rng: rand.New(rand.NewPCG(1, 1)),
	}
	for _, p := range servers {
		s.add(p)
	}
	return s
}

// add starts a server (again, after a crash: with a fresh state) and lets
// the registry list it, as registration does.
func (s *sim) add(p Peer) {
	cfg := s.cfg
	cfg.Self = p
	s.servers[p.Name] = p
	s.nodes[p.Name] = New(cfg)
	s.listed[p.Name] = true
}

// crash stops a server; the registry still lists it until unlist.
func (s *sim) crash(name string) { delete(s.nodes, name) }

func (s *sim) unlist(name string) { delete(s.listed, name) }

// kill crashes a server and lets the registry notice at once.
func (s *sim) kill(name string) {
	s.crash(name)
	s.unlist(name)
}

// partition puts each named server in group g; servers default to group 0.
func (s *sim) partition(g int, names ...string) {
	for _, name := range names {
		s.group[name] = g
	}
}

func (s *sim) heal() { clear(s.group) }

// lossy makes every delivery fail with probability rate, reproducibly.
func (s *sim) lossy(rate float64, seed uint64) {
	s.dropRate = rate
	s.rng = rand.New(rand.NewPCG(seed, seed))
}

func (s *sim) running() []string {
	return slices.Sorted(maps.Keys(s.nodes))
}

func (s *sim) step() {
	s.steps++
	s.reportRegistry()
	s.detectFailures()
	s.deliverAll()
	for _, name := range s.running() {
		s.nodes[name].Tick()
		s.inflight = append(s.inflight, s.nodes[name].Ready()...)
	}
}

func (s *sim) reportRegistry() {
	var list []Peer
	for name := range s.listed {
		list = append(list, s.servers[name])
	}
	for _, name := range s.running() {
		s.nodes[name].SetPeers(list)
	}
}

// detectFailures plays the wiring's failure detector: a follower whose
// coordinator is down or cut off reports it.
func (s *sim) detectFailures() {
	if !s.detector {
		return
	}
	for _, name := range s.running() {
		leader, ok := s.nodes[name].Coordinator()
		if ok && leader != name && !s.reachable(name, leader) {
			s.nodes[name].CoordinatorLost(leader)
		}
	}
}

func (s *sim) deliverAll() {
	msgs := s.inflight
	s.inflight = nil
	for _, m := range msgs {
		for _, to := range s.recipients(m) {
			s.deliver(m, to)
		}
	}
}

func (s *sim) recipients(m Message) []string {
	if m.To != "" {
		return []string{m.To}
	}
	return slices.DeleteFunc(s.running(), func(name string) bool { return name == m.From })
}

func (s *sim) deliver(m Message, to string) {
	if !s.reachable(m.From, to) || (s.dropRate > 0 && s.rng.Float64() < s.dropRate) {
		return
	}
	s.nodes[to].Step(m)
	s.inflight = append(s.inflight, s.nodes[to].Ready()...)
}

func (s *sim) reachable(from, to string) bool {
	_, up := s.nodes[to]
	return up && s.group[from] == s.group[to]
}

// agreedLeader returns the coordinator the running servers of group g
// agree on, when exactly one of them is coordinator and all others follow
// it.
func (s *sim) agreedLeader(g int) (string, bool) {
	var leader string
	for _, name := range s.running() {
		if s.group[name] != g {
			continue
		}
		l, ok := s.nodes[name].Coordinator()
		if !ok || (leader != "" && l != leader) || !s.consistent(name, l) {
			return "", false
		}
		leader = l
	}
	return leader, leader != ""
}

// consistent: a node follows someone else, or is the coordinator itself.
func (s *sim) consistent(name, leader string) bool {
	want := Follower
	if leader == name {
		want = Coordinator
	}
	return s.nodes[name].State() == want
}

// highest returns the highest-ranked running server of group g.
func (s *sim) highest(g int) string {
	var best Peer
	for _, name := range s.running() {
		if p := s.servers[name]; s.group[name] == g && (best.Name == "" || p.Outranks(best)) {
			best = p
		}
	}
	return best.Name
}

// settled reports whether no election is still rippling through the
// network: agreement reached while an old Election is in flight is about
// to be broken by it.
func (s *sim) settled() bool {
	for _, m := range s.inflight {
		if m.Type != MsgCoordinator {
			return false
		}
	}
	return true
}

// converge runs until group g agrees on its highest running server, fails
// the test after bound steps, then checks that the agreement lasts.
func (s *sim) converge(g, bound int) int {
	s.t.Helper()
	want := s.highest(g)
	for n := 0; n <= bound; n++ {
		if got, ok := s.agreedLeader(g); ok && got == want && s.settled() {
			s.t.Logf("converged on %s in %d steps", want, n)
			s.mustStayAgreed(g, want)
			return n
		}
		s.step()
	}
	s.t.Fatalf("group %d: no agreement on %q after %d steps: %s", g, want, bound, s.describe())
	return 0
}

// mustStayAgreed checks for flapping: announcements keep coming, the
// agreement must not break.
func (s *sim) mustStayAgreed(g int, want string) {
	s.t.Helper()
	for range 20 {
		s.step()
		if got, ok := s.agreedLeader(g); !ok || got != want {
			s.t.Fatalf("group %d: agreement on %q broke: %s", g, want, s.describe())
		}
	}
}

func (s *sim) describe() string {
	out := ""
	for _, name := range s.running() {
		leader, _ := s.nodes[name].Coordinator()
		out += "\n  " + name + ": " + s.nodes[name].State().String() + " following " + leader
	}
	return out
}
