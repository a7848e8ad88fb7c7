package server_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// farBelowCeiling is where the servers' Lamport clocks must stay after
// the forged clocks below: a few maximum jumps (2^20 each) above zero,
// nowhere near the ceiling (2^63 - 1) or 2^62.
const farBelowCeiling = 1 << 32

// forgedClocks are requests an anonymous client sends through the broker
// to exhaust the Lamport clocks: int64's maximum (in JSON, as written by
// hand, and in MessagePack, at the top level too) and 2^62.
var forgedClocks = []func(t *testing.T) []byte{
	func(t *testing.T) []byte {
		return []byte(`{"service":"users","data":{"clock":9223372036854775807}}`)
	},
	func(t *testing.T) []byte { return packed(t, map[string]any{"clock": int64(1) << 62}, nil) },
	func(t *testing.T) []byte {
		return packed(t, map[string]any{}, map[string]any{"clock": int64(math.MaxInt64)})
	},
}

func packed(t *testing.T, data, top map[string]any) []byte {
	t.Helper()
	env := map[string]any{"service": "users", "data": data}
	for k, v := range top {
		env[k] = v
	}
	b, err := msgpack.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Forged clocks through the broker (every server gets each several times)
// and forged coordinator announcements from a member leave every
// server writing, following the real coordinator, with its Lamport clock
// far below the ceiling.
func TestForgedClocksDoNotStopWrites(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 3})
	req := dialREQ(t, c.Frontend())
	for range 3 * len(c.Servers()) { // round-robin: each server gets each forgery 3 times
		for _, forged := range forgedClocks {
			expect(t, req.raw(forged(t)), "OK")
		}
	}
	forgeAnnouncements(t, c)
	writeOnEveryServer(t, req, len(c.Servers()))
	checkClocks(t, req, len(c.Servers()))
}

// writeOnEveryServer repeats a round of writes (login, channel, publish,
// private message) until each kind succeeded on every server: the broker
// hands requests round-robin, four writes a round over three servers.
func writeOnEveryServer(t *testing.T, req *reqClient, servers int) {
	t.Helper()
	seen := map[string]map[string]bool{}
	note := func(kind string, m wire.Message, want string) {
		expect(t, m, want)
		if seen[kind] == nil {
			seen[kind] = map[string]bool{}
		}
		seen[kind][fmt.Sprint(m.Data["server"])] = true
	}
	for round := 0; ; round++ {
		user, channel := fmt.Sprintf("u%d", round), fmt.Sprintf("c%d", round)
		note("login", req.call("login", map[string]any{"user": user}), "sucesso")
		note("channel", req.call("channel", map[string]any{"channel": channel}), "sucesso")
		note("publish", req.call("publish", map[string]any{"user": user, "channel": channel, "message": "still writing"}), "OK")
		note("message", req.call("message", map[string]any{"src": user, "dst": user, "message": "note to self"}), "OK")
		if coversAll(seen, servers) {
			return
		}
		if round == 30 {
			t.Fatalf("writes reached only %v", seen)
		}
	}
}

func coversAll(seen map[string]map[string]bool, servers int) bool {
	for _, kind := range []string{"login", "channel", "publish", "message"} {
		if len(seen[kind]) < servers {
			return false
		}
	}
	return true
}

// checkClocks asks status through the broker until every server answered:
// each one's Lamport clock is far below the ceiling, each follows the
// highest-ranked server, and together they clamped the forged clocks.
func checkClocks(t *testing.T, req *reqClient, servers int) {
	t.Helper()
	statuses := map[string]wire.Message{}
	for i := 0; len(statuses) < servers; i++ {
		if i == 30 {
			t.Fatalf("status reached only %d servers", len(statuses))
		}
		m := req.call("status", map[string]any{})
		expect(t, m, "OK")
		statuses[fmt.Sprint(m.Data["server"])] = m
	}
	var clamped int64
	highest := highestRanked(statuses)
	for name, m := range statuses {
		lamport, _ := m.OptInt("lamport", -1)
		n, _ := m.OptInt("lamport_clamped", 0)
		clamped += n
		t.Logf("%s: lamport %d, clamped %d, coordinator %v", name, lamport, n, m.Data["coordinator"])
		if lamport <= 0 || lamport > farBelowCeiling {
			t.Errorf("%s: Lamport clock %d, want in (0, %d]", name, lamport, int64(farBelowCeiling))
		}
		if m.Data["coordinator"] != highest {
			t.Errorf("%s follows %v, want %s, the highest-ranked", name, m.Data["coordinator"], highest)
		}
	}
	if want := int64(3 * servers * len(forgedClocks)); clamped < want {
		t.Errorf("%d clocks clamped, want at least the %d forged", clamped, want)
	}
}

// highestRanked is the server of the highest rank (the reference ranks
// servers in the order they registered, which the test does not fix).
func highestRanked(statuses map[string]wire.Message) string {
	best, bestRank := "", int64(-1)
	for name, m := range statuses {
		if r, _ := m.OptInt("rank", 0); r > bestRank {
			best, bestRank = name, r
		}
	}
	return best
}

// forgeAnnouncements publishes coordinator announcements on topic servers
// as a member gone wrong would (outsiders cannot: the proxy's XSUB admits
// members only, see test/membership), so what is tested here is the
// servers' own judgement: a phantom server of the highest rank, and s1 claiming
// that rank, both with int64's maximum as clock. It goes
// on until a subscriber of its own has received both, so the servers,
// subscribed the same way, have too.
func forgeAnnouncements(t *testing.T, c *testcluster.Cluster) {
	t.Helper()
	pub, err := zmq.NewSocket(zmq.PUB)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	pub.SetLinger(0)
	if err := c.Membership().Client(pub); err != nil {
		t.Fatal(err)
	}
	if err := pub.Connect(c.XSub()); err != nil {
		t.Fatal(err)
	}
	sub := subscriber(t, c.XPub(), "servers")
	forged := map[string]bool{}
	for deadline := time.Now().Add(10 * time.Second); len(forged) < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("forged announcements never came through the proxy: %v", forged)
		}
		for _, name := range []string{"phantom", "s1"} {
			payload, err := wire.Encode(wire.MsgPack, "election", map[string]any{"coordinator": name, "rank": 1 << 30}, math.MaxInt64, 0)
			if err != nil {
				t.Fatal(err)
			}
			pub.SendMessage("servers", payload)
		}
		for _, frames := range receiveFor(sub, 50*time.Millisecond) {
			if p, err := wire.DecodePublication(frames[1]); err == nil && p.Clock == math.MaxInt64 {
				forged[fmt.Sprint(p.Data["coordinator"])] = true
			}
		}
	}
}
