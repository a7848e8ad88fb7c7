package attack_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// attacks run in this order against one cluster; an honest client checks
// the cluster after each.
var attacks = []struct {
	name string
	run  func(t *testing.T, u *upCluster, h *honest)
}{
	{"forged clocks through the broker", forgedClocks},
	{"replicate a made-up origin at the peer ports", replicateMadeUpOrigin},
	{"replicate as a real origin at the peer ports", replicateAsRealOrigin},
	{"copy the logs out with vector and fetch", copyLogsOut},
	{"steer the clocks and the election at the peer ports", steerCoordination},
	{"a fake server at the reference", fakeServer},
	{"forged publications through the proxy", forgedPublications},
	{"a flood from one connection", flood},
	{"oversized frames", oversizedFrames},
}

// TestOutsiderAttacks runs every attack against a default `zchat up`.
func TestOutsiderAttacks(t *testing.T) {
	u := startUp(t)
	h := newHonest(t, u)
	h.check(t, "start")
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			a.run(t, u, h)
			h.check(t, a.name)
		})
	}
}

// forgedClocks sends requests whose Lamport clocks would use up the clock
// space (int64's maximum in JSON and at the top level, 2^62), several
// times to every server. They are answered; honest.check then finds
// writes working and the clocks far below the ceiling.
func forgedClocks(t *testing.T, u *upCluster, h *honest) {
	frames := [][]byte{
		[]byte(`{"service":"users","data":{"clock":9223372036854775807}}`),
		[]byte(`{"service":"users","clock":9223372036854775807,"data":{}}`),
		request(t, "users", map[string]any{"clock": int64(1) << 62}),
	}
	for range 9 {
		for _, f := range frames {
			if m := rawAsk(t, u.ep(offFrontend), f); m.Data["status"] != wire.StatusOK {
				t.Fatalf("users with a forged clock: %v", m.Data)
			}
		}
	}
}

// replicateMadeUpOrigin pushes events of an origin no server has: a login
// of a new user and a post "as" the honest user.
func replicateMadeUpOrigin(t *testing.T, u *upCluster, h *honest) {
	origin := "evil.00000001"
	frame := request(t, "replicate", map[string]any{"origin": origin, "events": []any{
		forgedEvent(origin, 1, 1, "mallory", "", ""),
		forgedEvent(origin, 2, 3, honestUser, honestWatch, forgedMark+" as honest"),
	}})
	probeAll(t, u, toEach(u.peerPorts(t), frame)...)
	if users := names(h.mustStatus(t, "users", nil, wire.StatusOK).Data["users"]); slices.Contains(users, "mallory") {
		t.Errorf("the injected user is listed: %v", users)
	}
}

// replicateAsRealOrigin pushes, under each server's real origin, events at
// sequence numbers that origin will use next.
func replicateAsRealOrigin(t *testing.T, u *upCluster, h *honest) {
	statuses, err := u.statuses(3, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	peers := u.peerPorts(t)
	var probes []probe
	for name, s := range statuses {
		origin, _ := s.OptString("origin")
		vector, _ := wire.AsMap(s.Data["vector"])
		next, _ := wire.AsInt(vector[origin])
		frame := request(t, "replicate", map[string]any{"origin": origin, "events": []any{
			forgedEvent(origin, int(next)+1, 3, honestUser, honestWatch, forgedMark+" under "+origin),
			forgedEvent(origin, int(next)+2, 3, honestUser, honestWatch, forgedMark+" under "+origin),
		}})
		for other, ep := range peers {
			if other != name {
				probes = append(probes, probe{ep, frame})
			}
		}
	}
	probeAll(t, u, probes...)
}

// copyLogsOut asks the peer ports for version vectors and every event,
// private messages included.
func copyLogsOut(t *testing.T, u *upCluster, h *honest) {
	origins := u.origins(t)
	var probes []probe
	for name, ep := range u.peerPorts(t) {
		probes = append(probes, probe{ep, request(t, "vector", nil)},
			probe{ep, request(t, "fetch", map[string]any{"origin": origins[name], "after": 0, "limit": 1000})},
			probe{ep, request(t, "history", map[string]any{"user": honestPeer})})
	}
	probeAll(t, u, probes...)
}

// steerCoordination sends the Berkeley correction that once moved a
// server's clock 115 days ahead, in the coordinator's name, and the
// election messages that would make the servers follow a phantom.
func steerCoordination(t *testing.T, u *upCluster, h *honest) {
	statuses, err := u.statuses(3, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	coordinator := coordinators(statuses)["s1"]
	peers := u.peerPorts(t)
	probes := toEach(peers, request(t, "adjust", map[string]any{"delta": 1e7, "coordinator": coordinator, "round": 1}))
	probes = append(probes, toEach(peers, request(t, "coordinator", map[string]any{"coordinator": "phantom", "rank": 1 << 30}))...)
	probes = append(probes, toEach(peers, request(t, "election", map[string]any{"server": "phantom", "rank": 1 << 30}))...)
	probeAll(t, u, probes...)
}

// fakeServer asks the reference for a rank and heartbeats, as a server
// would: a fake one would receive every replicated event and stall the
// elections.
func fakeServer(t *testing.T, u *upCluster, h *honest) {
	ref := u.ep(offReference)
	probeAll(t, u, probe{ref, request(t, "rank", map[string]any{"user": "s9", "address": "tcp://127.0.0.1:1"})},
		probe{ref, request(t, "heartbeat", map[string]any{"user": "s9", "address": "tcp://127.0.0.1:1"})},
		probe{ref, request(t, "list", nil)})
	if members := u.members(t); len(members) != 3 || members["s9"] != "" {
		t.Errorf("the reference lists %v, want s1..s3 only", members)
	}
}

// forgedPublications publishes, through the proxy's server port, a
// private message "from" the honest user and a coordinator announcement
// of a phantom server; a subscriber of both topics must see neither, and
// still see the real private message sent afterwards.
func forgedPublications(t *testing.T, u *upCluster, h *honest) {
	sub := subscribe(t, u.ep(offXPub), honestPeer, "servers")
	dm, err := wire.Encode(wire.MsgPack, "message", map[string]any{"src": honestUser, "dst": honestPeer, "message": forgedMark}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	phantom, err := wire.Encode(wire.MsgPack, "election", map[string]any{"coordinator": "phantom", "rank": 1 << 30}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pubs []*zmq.Socket
	for _, o := range outsiders(t, u) {
		pubs = append(pubs, o.socket(t, zmq.PUB, u.ep(offXSub)))
	}
	for deadline := time.Now().Add(1500 * time.Millisecond); time.Now().Before(deadline); {
		for _, p := range pubs {
			p.SendMessageDontwait(honestPeer, dm)
			p.SendMessageDontwait("servers", phantom)
		}
		for _, frames := range receiveFor(sub, 50*time.Millisecond) {
			if strings.Contains(frames[len(frames)-1], forgedMark) || strings.Contains(frames[len(frames)-1], "phantom") {
				t.Fatalf("a subscriber received a forged publication on %q", frames[0])
			}
		}
	}
	real := "real private message after the forgeries"
	h.mustStatus(t, "message", map[string]any{"src": honestUser, "dst": honestPeer, "message": real}, wire.StatusOK)
	for deadline := time.Now().Add(5 * time.Second); ; {
		for _, frames := range receiveFor(sub, 100*time.Millisecond) {
			if frames[0] == honestPeer && strings.Contains(frames[len(frames)-1], real) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the subscriber never received the real private message: its subscription was not live")
		}
	}
}

// flood keeps 1000 requests in flight on one connection for three
// seconds while the honest client keeps posting: the flood gets its
// rate's worth through and "rate limited" for the rest; the honest posts
// all succeed.
func flood(t *testing.T, u *upCluster, h *honest) {
	d, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SetLinger(0)
	if err := d.Connect(u.ep(offFrontend)); err != nil {
		t.Fatal(err)
	}
	post := request(t, "publish", map[string]any{"user": "flooder", "channel": honestWatch, "message": "flood"})
	var ok, limited, other int
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			h.mustStatus(t, "publish", map[string]any{"user": honestUser, "channel": honestWatch, "message": "during the flood", "request_id": "flood-honest-" + string(rune('a'+i%26))}, wire.StatusOK)
			time.Sleep(50 * time.Millisecond)
		}
	})
	start := time.Now()
	inflight := 0
	for time.Since(start) < 3*time.Second {
		for ; inflight < 1000; inflight++ {
			if _, err := d.SendMessage("", post); err != nil {
				t.Fatal(err)
			}
		}
		frames, err := d.RecvMessageBytes(0)
		if err != nil {
			t.Fatal(err)
		}
		inflight--
		m, _ := wire.Decode(frames[len(frames)-1], 0)
		desc, _ := m.OptString("description")
		switch status, _ := m.OptString("status"); {
		case status == wire.StatusOK:
			ok++
		case strings.HasPrefix(desc, "rate limited"):
			limited++
		default:
			other++
		}
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	t.Logf("flood: %d acknowledged, %d rate limited, %d other in %.1f s", ok, limited, other, elapsed)
	if limited == 0 || float64(ok) > 200+110*elapsed {
		t.Errorf("the flood was not limited: %d acknowledged, %d refused in %.1f s", ok, limited, elapsed)
	}
}

// oversizedFrames sends a request over the servers' limit (answered with
// an error by the broker) and one of 64 MB (the broker drops the
// connection without reading it into memory). The broker's peak memory is
// judged by its growth, under a quarter of the frame, since the build sets
// its base (the race detector alone gives it 64 MB).
func oversizedFrames(t *testing.T, u *upCluster, h *honest) {
	big := request(t, "publish", map[string]any{"user": honestUser, "channel": honestWatch, "message": strings.Repeat("x", 100<<10)})
	m := rawAsk(t, u.ep(offFrontend), big)
	if desc, _ := m.OptString("description"); m.Data["status"] != wire.StatusError || !strings.Contains(desc, "too large") {
		t.Errorf("a 100 KB request: %v, want erro \"request too large\"", m.Data)
	}
	broker := u.pid(t, "broker", u.ep(offFrontend))
	before := peakRSS(t, broker)
	huge := make([]byte, 64<<20)
	copy(huge, request(t, "users", nil))
	open := outsider{"no key", func(*zmq.Socket) error { return nil }}
	open.expectNoReply(t, probe{u.ep(offFrontend), huge})
	if after := peakRSS(t, broker); after > before+16<<20 {
		t.Errorf("the broker's peak memory went from %d MB to %d MB after a 64 MB frame", before>>20, after>>20)
	}
}

// probeAll sends the probes as every kind of outsider at once.
func probeAll(t *testing.T, u *upCluster, probes ...probe) {
	t.Helper()
	var wg sync.WaitGroup
	for _, o := range outsiders(t, u) {
		wg.Go(func() { o.expectNoReply(t, probes...) })
	}
	wg.Wait()
}

// toEach is one probe of frame to every endpoint.
func toEach(endpoints map[string]string, frame []byte) []probe {
	var out []probe
	for _, ep := range endpoints {
		out = append(out, probe{ep, frame})
	}
	return out
}
