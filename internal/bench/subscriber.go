package bench

import (
	"fmt"
	"slices"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// subscriber owns a SUB socket on the proxy and measures the delivery
// latency of the stamped posts of the measured span.
type subscriber struct {
	endpoint string
	curve    *curve // the authenticated port's CURVE client side; nil when open
	topics   []string
	ctl      *control
	hist     *Latency
	received int64 // publications on our topics, measured or not
	sock     *zmq.Socket
}

// connect opens and subscribes the socket (in the goroutine that will run it).
func (s *subscriber) connect() error {
	sock, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		return fmt.Errorf("sub socket: %w", err)
	}
	sock.SetLinger(0)
	sock.SetRcvhwm(1_000_000)
	if err := s.curve.apply(sock); err != nil {
		sock.Close()
		return err
	}
	for _, t := range s.topics {
		if err := sock.SetSubscribe(t); err != nil {
			sock.Close()
			return fmt.Errorf("subscribe %q: %w", t, err)
		}
	}
	if err := sock.Connect(s.endpoint); err != nil {
		sock.Close()
		return fmt.Errorf("connect %s: %w", s.endpoint, err)
	}
	s.sock = sock
	return nil
}

// run receives until done is closed.
func (s *subscriber) run(done <-chan struct{}) {
	defer s.sock.Close()
	poller := zmq.NewPoller()
	poller.Add(s.sock, zmq.POLLIN)
	for {
		select {
		case <-done:
			return
		default:
		}
		polled, err := poller.Poll(50 * time.Millisecond)
		if err != nil || len(polled) == 0 {
			continue
		}
		s.drain()
	}
}

func (s *subscriber) drain() {
	for {
		frames, err := s.sock.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		s.receive(frames, time.Now())
	}
}

// receive records one publication [topic, payload]. Topic filters are
// prefixes, so the topic is checked exactly.
func (s *subscriber) receive(frames [][]byte, now time.Time) {
	if len(frames) != 2 || !slices.Contains(s.topics, string(frames[0])) {
		return
	}
	s.received++
	m, err := wire.DecodePublication(frames[1])
	if err != nil {
		return
	}
	text, _ := m.Data["message"].(string)
	sent, ok := parseStamp(text)
	if ok && s.ctl.inWindow(sent) {
		s.hist.Record(now.Sub(sent))
	}
}
