package conformance

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/wire"
)

// faults are the ways the fake server breaks the standard.
type faults struct {
	noChannelsKey    bool // channels reply lists under "users" only
	publishUnknownOK bool // publish to an unknown channel answers OK
	silentOnGarbage  bool // a malformed frame gets no reply
	oneFramePubs     bool // publications are one frame "topic payload"
	staleClock       bool // replies carry clock 1 whatever the request's
	noTimestamp      bool // replies carry no timestamp
}

// fakeServer is an in-test implementation of the standard: a ROUTER
// standing in for the broker (so that it can leave a request unanswered)
// and a PUB standing in for the proxy.
type fakeServer struct {
	faults
	broker, proxy string
	users, chans  []string
	clock         uint64
}

// startFake runs a fake server until the test ends.
func startFake(t *testing.T, f faults) *fakeServer {
	t.Helper()
	router, pub := bindAny(t, zmq.ROUTER), bindAny(t, zmq.PUB)
	s := &fakeServer{faults: f, broker: endpoint(t, router), proxy: endpoint(t, pub)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.serve(ctx, router, pub) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return s
}

func bindAny(t *testing.T, kind zmq.Type) *zmq.Socket {
	s, err := zmq.NewSocket(kind)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	if err := s.Bind("tcp://127.0.0.1:*"); err != nil {
		t.Fatal(err)
	}
	return s
}

func endpoint(t *testing.T, s *zmq.Socket) string {
	ep, err := s.GetLastEndpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// serve owns both sockets until ctx ends.
func (s *fakeServer) serve(ctx context.Context, router, pub *zmq.Socket) {
	defer router.Close()
	defer pub.Close()
	for ctx.Err() == nil {
		ready, _ := pollIn(router, 50*time.Millisecond)
		if !ready {
			continue
		}
		frames, err := router.RecvMessageBytes(0)
		if err != nil || len(frames) < 3 {
			continue
		}
		reply, topic, payload := s.handle(frames[len(frames)-1])
		if topic != "" {
			s.publish(pub, topic, payload)
		}
		if reply != nil {
			router.SendMessage(frames[0], "", reply)
		}
	}
}

func (s *fakeServer) publish(pub *zmq.Socket, topic string, payload []byte) {
	if s.oneFramePubs {
		pub.SendBytes(append([]byte(topic+" "), payload...), 0)
		return
	}
	pub.SendMessage(topic, payload)
}

// handle answers one request: the reply (nil for none) and a publication.
func (s *fakeServer) handle(frame []byte) (reply []byte, topic string, payload []byte) {
	m, err := wire.Decode(frame, 0)
	if err != nil && s.silentOnGarbage {
		return nil, "", nil
	}
	s.clock = max(s.clock, m.Clock) + 1
	data := wire.ErrorData("malformed request")
	if err == nil {
		data, topic, payload = s.service(m)
	}
	return s.encode(m, data), topic, payload
}

func (s *fakeServer) service(m wire.Message) (map[string]any, string, []byte) {
	switch m.Service {
	case "login":
		return s.add(&s.users, m, "user", "user name")
	case "users":
		return map[string]any{"users": s.users}, "", nil
	case "channel":
		return s.add(&s.chans, m, "channel", "channel")
	case "channels":
		if s.noChannelsKey {
			return map[string]any{"users": s.chans}, "", nil
		}
		return map[string]any{"channels": s.chans, "users": s.chans}, "", nil
	case "publish":
		return s.post(m, "channel", s.chans, s.publishUnknownOK, "user")
	case "message":
		return s.post(m, "dst", s.users, false, "src")
	}
	return wire.ErrorData("unknown service"), "", nil
}

// add registers a name; channels must be new, users may log in again.
func (s *fakeServer) add(set *[]string, m wire.Message, field, what string) (map[string]any, string, []byte) {
	name, _ := m.String(field)
	switch {
	case name == "":
		return wire.ErrorData("empty " + what), "", nil
	case slices.Contains(*set, name) && field == "channel":
		return wire.ErrorData("channel exists"), "", nil
	case !slices.Contains(*set, name):
		*set = append(*set, name)
	}
	return map[string]any{"status": "sucesso"}, "", nil
}

// post accepts a publish or message to a known target and publishes it.
func (s *fakeServer) post(m wire.Message, field string, known []string, anyTarget bool, who string) (map[string]any, string, []byte) {
	target, _ := m.String(field)
	sender, _ := m.String(who)
	text, _ := m.String("message")
	if !slices.Contains(known, target) {
		if !anyTarget {
			return wire.ErrorData(field + " does not exist"), "", nil
		}
		return map[string]any{"status": "OK"}, "", nil
	}
	s.clock++
	payload, _ := msgpack.Marshal(map[string]any{who: sender, field: target, "message": text, "timestamp": 1.5, "clock": s.clock})
	return map[string]any{"status": "OK"}, target, payload
}

func (s *fakeServer) encode(m wire.Message, data map[string]any) []byte {
	data["clock"] = s.clock
	if s.staleClock {
		data["clock"] = 1
	}
	if !s.noTimestamp {
		data["timestamp"] = nowSeconds()
	}
	env := map[string]any{"service": m.Service, "data": data}
	if m.Encoding == wire.JSON {
		b, _ := json.Marshal(env)
		return b
	}
	b, _ := msgpack.Marshal(env)
	return b
}
