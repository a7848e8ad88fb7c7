package coordination

import (
	"context"
	"time"

	"zchat/internal/election"
)

// loop is the state owned by the goroutine that drives the election node:
// only methods of loop touch it.
type loop struct {
	c        *Coordinator
	ctx      context.Context
	node     *election.Node
	self     election.Peer
	state    election.State
	leader   string         // the node's coordinator after the last input
	known    string         // the last coordinator known, for logging changes
	ranks    map[string]int // the registry's ranks of the live peers
	startAt  time.Time      // ticks start after a grace period, see newLoop
	probe    probe
	sync     rounds
	counters counters
}

// Run coordinates until ctx ends. It waits for the reference to give the
// server its rank: a node without one would win elections it should lose.
func (c *Coordinator) Run(ctx context.Context) error {
	defer c.wg.Wait()
	if c.cfg.ProxySub != "" {
		c.spawn(func() { c.subscribe(ctx) })
	}
	rank, ok := c.awaitRank(ctx)
	if !ok {
		return nil
	}
	c.newLoop(ctx, rank).run()
	return nil
}

func (c *Coordinator) awaitRank(ctx context.Context) (int, bool) {
	t := time.NewTicker(c.cfg.Tick)
	defer t.Stop()
	for c.cfg.Membership.Rank() <= 0 {
		select {
		case <-ctx.Done():
			return 0, false
		case <-t.C:
		}
	}
	return c.cfg.Membership.Rank(), true
}

// newLoop starts a node that ticks only after one announcement interval:
// a server that (re)starts into a running cluster first hears the
// coordinator's repeated announcement and follows it, instead of
// disturbing everyone with an election (Bully would start one because the
// node knows no coordinator). Inputs are handled during the grace period.
func (c *Coordinator) newLoop(ctx context.Context, rank int) *loop {
	self := election.Peer{Name: c.cfg.Self, Rank: rank}
	l := &loop{c: c, ctx: ctx, self: self, ranks: map[string]int{}}
	l.node = election.New(election.Config{
		Self:               self,
		AnswerTimeout:      c.cfg.ticks(c.cfg.AnswerTimeout),
		CoordinatorTimeout: c.cfg.ticks(c.cfg.CoordinatorTimeout),
		AnnounceInterval:   c.cfg.ticks(c.cfg.AnnounceEvery),
	})
	l.startAt = time.Now().Add(c.cfg.AnnounceEvery + c.cfg.Tick)
	l.refreshPeers()
	c.log.Info("coordination started", "rank", rank)
	return l
}

func (l *loop) run() {
	t := time.NewTicker(l.c.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
			l.tick()
		case f := <-l.c.inputs:
			f(l)
		}
		l.flush()
	}
}

// tick feeds the registry's list and the passage of time to the node, then
// runs the periodic work of the role the node has.
func (l *loop) tick() {
	l.refreshPeers()
	if time.Now().Before(l.startAt) {
		return
	}
	l.node.Tick()
	switch l.node.State() {
	case election.Follower:
		l.checkCoordinator()
		l.forwardSyncDemand()
	case election.Coordinator:
		l.maybeSync()
	}
}

// refreshPeers reports the registry's list to the node (which reacts only
// to changes) and remembers the ranks for naming message senders.
func (l *loop) refreshPeers() {
	members := l.c.cfg.Membership.Peers()
	peers := make([]election.Peer, 0, len(members))
	clear(l.ranks)
	for _, m := range members {
		peers = append(peers, election.Peer{Name: m.Name, Rank: m.Rank})
		l.ranks[m.Name] = m.Rank
	}
	l.node.SetPeers(peers)
}

// flush sends what the node produced and records its new state.
func (l *loop) flush() {
	for _, m := range l.node.Ready() {
		l.send(m)
	}
	l.observe()
}

// step hands one message to the node.
func (l *loop) step(m election.Message) { l.node.Step(m) }
