package broker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/auth"
	"zchat/internal/metrics"
	"zchat/internal/wire"
)

// limitedBroker runs a broker with limits and a metrics endpoint until the
// test ends.
func limitedBroker(t *testing.T, limits Limits) (front, back string, ep *metrics.Endpoint) {
	t.Helper()
	front, back, ep = freeEndpoint(t), freeEndpoint(t), metrics.New()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{Frontend: front, Backend: back, Limits: limits, Metrics: ep}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return front, back, ep
}

// refused reads zchat_broker_refused_requests_total{reason}.
func refused(t *testing.T, ep *metrics.Endpoint, reason string) float64 {
	t.Helper()
	families, err := ep.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "zchat_broker_refused_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetLabel()[0].GetValue() == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// recorder is an echo worker that also remembers the size of every body
// it was given. It connects as a client of cluster.
type recorder struct {
	mu    sync.Mutex
	sizes []int
}

func startRecorder(t *testing.T, back string, cluster auth.Cluster) *recorder {
	t.Helper()
	r := &recorder{}
	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	if err := cluster.Client(s); err != nil {
		t.Fatal(err)
	}
	s.SetRcvtimeo(50 * time.Millisecond)
	if err := s.Connect(back); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		defer s.Close()
		for ctx.Err() == nil {
			frames, err := s.RecvMessageBytes(0)
			if err != nil {
				continue
			}
			last := len(frames) - 1
			r.mu.Lock()
			r.sizes = append(r.sizes, len(frames[last]))
			r.mu.Unlock()
			frames[last] = append([]byte("served:"), frames[last]...)
			s.SendMessage(frames)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return r
}

func (r *recorder) largest() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := 0
	for _, n := range r.sizes {
		m = max(m, n)
	}
	return m
}

// dial connects a socket of type typ to endpoint, closed when the test ends.
func dial(t *testing.T, typ zmq.Type, endpoint string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	s.SetRcvtimeo(5 * time.Second)
	if err := s.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// request encodes a publish request with clock 41 in enc.
func request(t *testing.T, enc wire.Encoding, message string) []byte {
	t.Helper()
	data := map[string]any{"user": "ana", "channel": "geral", "message": message}
	b, err := wire.Encode(enc, "publish", data, 41, 1.7e9)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustRefuse checks that reply is the broker's erro reply to a publish
// request in enc, whose text starts with prefix.
func mustRefuse(t *testing.T, reply []byte, enc wire.Encoding, prefix string) {
	t.Helper()
	m, err := wire.Decode(reply, 0)
	if err != nil {
		t.Fatalf("reply %q does not decode: %v", reply, err)
	}
	desc, _ := m.OptString("description")
	msg, _ := m.OptString("message")
	status, _ := m.OptString("status")
	switch {
	case m.Encoding != enc:
		t.Errorf("reply encoding %v, want the request's %v", m.Encoding, enc)
	case m.Service != "publish":
		t.Errorf("reply service %q, want the request's", m.Service)
	case status != wire.StatusError || !strings.HasPrefix(desc, prefix) || msg != desc:
		t.Errorf("reply data %v: want status erro and %q... in description and message", m.Data, prefix)
	}
	if ts, ok := wire.Seconds(m.Data["timestamp"]); !ok || ts < 1e9 {
		t.Errorf("timestamp %v: want float seconds", m.Data["timestamp"])
	}
	top := unpackTop(t, enc, reply)
	if m.Clock <= 41 || fmt.Sprint(top["clock"]) != fmt.Sprint(m.Data["clock"]) {
		t.Errorf("clock %d (top level %v): want it past the request's 41 and mirrored", m.Clock, top["clock"])
	}
}

func unpackTop(t *testing.T, enc wire.Encoding, b []byte) map[string]any {
	t.Helper()
	var top map[string]any
	var err error
	if enc == wire.JSON {
		err = json.Unmarshal(b, &top)
	} else {
		err = msgpack.Unmarshal(b, &top)
	}
	if err != nil {
		t.Fatal(err)
	}
	return top
}

var encodings = []struct {
	name string
	enc  wire.Encoding
}{{"msgpack", wire.MsgPack}, {"json", wire.JSON}}

// A connection over its rate gets the erro reply at once, in its
// request's encoding and with the envelope its socket expects.
func TestOverTheRateIsAnsweredByTheBroker(t *testing.T) {
	front, back, ep := limitedBroker(t, Limits{RatePerSecond: 0.2, Burst: 1})
	startRecorder(t, back, auth.Open())
	for _, e := range encodings {
		t.Run("REQ "+e.name, func(t *testing.T) {
			req := dial(t, zmq.REQ, front)
			for i, want := range []string{"served:", "rate limited, retry after "} {
				if _, err := req.SendBytes(request(t, e.enc, "hi"), 0); err != nil {
					t.Fatal(err)
				}
				reply, err := req.RecvBytes(0)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if i == 0 && !bytes.HasPrefix(reply, []byte(want)) {
					t.Fatalf("first request: %q, want it served", reply)
				}
				if i == 1 {
					mustRefuse(t, reply, e.enc, want)
				}
			}
		})
		for _, delim := range []bool{false, true} {
			t.Run(fmt.Sprintf("DEALER %s delimiter=%v", e.name, delim), func(t *testing.T) {
				dealer := dial(t, zmq.DEALER, front)
				envelope := [][]byte{}
				if delim {
					envelope = append(envelope, []byte{})
				}
				for range 2 {
					if _, err := dealer.SendMessage(envelope, request(t, e.enc, "hi")); err != nil {
						t.Fatal(err)
					}
				}
				var replies [][]byte
				for range 2 {
					frames, err := dealer.RecvMessageBytes(0)
					if err != nil {
						t.Fatal(err)
					}
					if len(frames) != len(envelope)+1 || (delim && len(frames[0]) != 0) {
						t.Fatalf("reply frames %q: want the request's envelope back", frames)
					}
					replies = append(replies, frames[len(frames)-1])
				}
				// The refusal is immediate, so it may overtake the served reply.
				if !bytes.HasPrefix(replies[0], []byte("served:")) {
					replies[0], replies[1] = replies[1], replies[0]
				}
				if !bytes.HasPrefix(replies[0], []byte("served:")) {
					t.Fatalf("replies %q: want one served", replies)
				}
				mustRefuse(t, replies[1], e.enc, "rate limited, retry after ")
			})
		}
	}
	if n := refused(t, ep, "rate_limited"); n != 6 {
		t.Errorf("zchat_broker_refused_requests_total{reason=rate_limited} = %v, want 6", n)
	}
}

// A body over the max frame is refused and never reaches a server.
func TestOversizedRequestIsRefusedBeforeForwarding(t *testing.T) {
	const maxFrame = 2048
	front, back, ep := limitedBroker(t, Limits{MaxFrame: maxFrame})
	rec := startRecorder(t, back, auth.Open())
	for _, e := range encodings {
		req := dial(t, zmq.REQ, front)
		big := request(t, e.enc, strings.Repeat("x", 3000))
		req.SendBytes(big, 0)
		reply, err := req.RecvBytes(0)
		if err != nil {
			t.Fatal(err)
		}
		mustRefuse(t, reply, e.enc, fmt.Sprintf("request too large: %d bytes, limit %d", len(big), maxFrame))
		req.SendBytes(request(t, e.enc, "small"), 0)
		if reply, err := req.RecvBytes(0); err != nil || !bytes.HasPrefix(reply, []byte("served:")) {
			t.Fatalf("small request after the big one: %q, %v", reply, err)
		}
	}
	if got := rec.largest(); got > maxFrame {
		t.Errorf("the server was given a %d-byte body", got)
	}
	if n := refused(t, ep, "too_large"); n != 2 {
		t.Errorf("too_large refusals %v, want 2", n)
	}
}

// A frame over the hard cap costs its sender the connection, inside
// libzmq; the broker goes on serving the others.
func TestFrameOverHardCapDropsOnlyItsSender(t *testing.T) {
	const maxFrame = 1024
	front, back, _ := limitedBroker(t, Limits{MaxFrame: maxFrame})
	rec := startRecorder(t, back, auth.Open())
	honest := &client{t: t, endpoint: front}
	defer honest.close()
	if _, err := honest.call("before", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	attacker := dial(t, zmq.DEALER, front)
	attacker.SetRcvtimeo(300 * time.Millisecond)
	for range 3 {
		attacker.SendMessage("", bytes.Repeat([]byte("A"), HardCapFactor*maxFrame+1))
	}
	if frames, err := attacker.RecvMessageBytes(0); err == nil {
		t.Errorf("the over-cap sender got a reply: %q", frames)
	}
	for i := range 20 {
		if reply, err := honest.call(fmt.Sprint(i), 5*time.Second); err != nil || reply != "served:"+fmt.Sprint(i) {
			t.Fatalf("honest request %d after the attack: %q, %v", i, reply, err)
		}
	}
	if got := rec.largest(); got > maxFrame {
		t.Errorf("the server was given a %d-byte body", got)
	}
}

// A message with more envelope frames than any client sends is dropped;
// the sender's next request is served.
func TestTooManyFramesAreDropped(t *testing.T) {
	front, back, ep := limitedBroker(t, DefaultLimits)
	startRecorder(t, back, auth.Open())
	dealer := dial(t, zmq.DEALER, front)
	frames := make([]any, maxFrames+5)
	for i := range frames {
		frames[i] = "f"
	}
	dealer.SendMessage(frames...)
	dealer.SendMessage("", "ok")
	reply, err := dealer.RecvMessageBytes(0)
	if err != nil || len(reply) != 2 || string(reply[1]) != "served:ok" {
		t.Fatalf("reply %q, %v: want only the well-formed request served", reply, err)
	}
	if n := refused(t, ep, "malformed"); n != 1 {
		t.Errorf("malformed %v, want 1", n)
	}
}

// One client flooding with 1000 requests in flight does not stop another
// from being served at once.
func TestHonestClientServedDuringFlood(t *testing.T) {
	front, back, ep := limitedBroker(t, Limits{RatePerSecond: 50, Burst: 50})
	startRecorder(t, back, auth.Open())
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { flood(ctx, t, front, 1000) })
	defer func() { stop(); wg.Wait() }()
	waitRefusals(t, ep)

	honest := &client{t: t, endpoint: front}
	defer honest.close()
	for i := range 30 {
		reply, err := honest.call(fmt.Sprint(i), 5*time.Second)
		if err != nil || reply != "served:"+fmt.Sprint(i) {
			t.Fatalf("honest request %d during the flood: %q, %v", i, reply, err)
		}
	}
}

func waitRefusals(t *testing.T, ep *metrics.Endpoint) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for refused(t, ep, "rate_limited") < 1000 {
		if time.Now().After(deadline) {
			t.Fatalf("flood not refused: %v refusals", refused(t, ep, "rate_limited"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// flood keeps inflight requests outstanding on one DEALER until ctx ends.
func flood(ctx context.Context, t *testing.T, front string, inflight int) {
	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Error(err)
		return
	}
	defer s.Close()
	s.SetLinger(0)
	s.SetRcvtimeo(100 * time.Millisecond)
	if err := s.Connect(front); err != nil {
		t.Error(err)
		return
	}
	body := request(t, wire.MsgPack, "flood")
	for range inflight {
		s.SendMessage("", body)
	}
	for ctx.Err() == nil {
		if _, err := s.RecvMessageBytes(0); err == nil {
			s.SendMessage("", body)
		}
	}
}

// A message with no body frame (which a ROUTER never delivers: it always
// adds the routing id to at least one frame) is counted and dropped
// without touching a socket.
func TestAdmitDropsMessageWithoutBody(t *testing.T) {
	var ep *metrics.Endpoint
	r := &relay{stats: ep.Broker(), maxFrame: DefaultLimits.MaxFrame}
	if r.admit(&frontend{}, [][]byte{openTag, {0, 1, 2, 3, 4}}) {
		t.Error("a message without body was forwarded")
	}
	if n := testutil.ToFloat64(r.stats.Malformed); n != 1 {
		t.Errorf("malformed %v, want 1", n)
	}
}
