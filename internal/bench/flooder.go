package bench

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/zmqx"
)

// floodInflight is how many requests the flooder keeps outstanding.
const floodInflight = 1000

// floodLost is how long the flooder waits for any reply before it counts
// its outstanding requests as lost and sends as many again.
const floodLost = 2 * time.Second

// flooder is one misbehaving client: a DEALER that keeps floodInflight
// publishes outstanding, unthrottled, sending a new one for every reply.
// Its counters only count while measuring is set.
type flooder struct {
	build     builder
	measuring atomic.Bool
	acked     atomic.Int64 // replies OK
	limited   atomic.Int64 // erro: rate limited
	failed    atomic.Int64 // any other erro or an undecodable reply
	lost      atomic.Int64 // outstanding when floodLost passed without a reply
}

// run owns the DEALER until ctx ends.
func (f *flooder) run(ctx context.Context, endpoint string) error {
	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return fmt.Errorf("flooder socket: %w", err)
	}
	defer s.Close()
	s.SetLinger(0)
	s.SetSndhwm(4 * floodInflight)
	s.SetRcvhwm(4 * floodInflight)
	if err := s.Connect(endpoint); err != nil {
		return fmt.Errorf("connect %s: %w", endpoint, err)
	}
	w, err := zmqx.NewWatch(s)
	if err != nil {
		return err
	}
	defer w.Close()
	inflight := f.topUp(s, 0)
	silence := time.NewTimer(floodLost)
	defer silence.Stop()
	for ctx.Err() == nil {
		// Sending may consume the edge that announces replies (see
		// zmqx.Watch): wait only after a receive found nothing.
		if n := f.receive(s); n > 0 {
			inflight = f.topUp(s, inflight-n)
			silence.Reset(floodLost)
			continue
		}
		select {
		case <-ctx.Done():
		case <-w.C:
		case <-silence.C:
			f.count(&f.lost, int64(inflight))
			inflight = f.topUp(s, 0)
			silence.Reset(floodLost)
		}
	}
	return nil
}

// topUp sends requests until inflight are outstanding; it returns how
// many are.
func (f *flooder) topUp(s *zmq.Socket, inflight int) int {
	for ; inflight < floodInflight; inflight++ {
		frame, err := f.build.build(OpPublish, time.Now())
		if err != nil {
			return inflight
		}
		if _, err := s.SendMessageDontwait("", frame); err != nil {
			return inflight
		}
	}
	return inflight
}

// receive classifies every reply waiting and returns how many there were.
func (f *flooder) receive(s *zmq.Socket) int {
	n := 0
	for {
		frames, err := s.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return n
		}
		n++
		_, err = checkReply(frames[len(frames)-1])
		switch {
		case err == nil:
			f.count(&f.acked, 1)
		case strings.Contains(err.Error(), "rate limited"):
			f.count(&f.limited, 1)
		default:
			f.count(&f.failed, 1)
		}
	}
}

func (f *flooder) count(c *atomic.Int64, n int64) {
	if f.measuring.Load() {
		c.Add(n)
	}
}
