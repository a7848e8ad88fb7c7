package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	zmq "github.com/pebbe/zmq4"
	"golang.org/x/sys/unix"

	"zchat/internal/zmqx"
)

// floodInflight is how many requests the flooder keeps outstanding.
const floodInflight = 1000

// floodLost is how long the flooder waits for any reply before it counts
// its outstanding requests as lost and sends as many again.
const floodLost = 2 * time.Second

// floodReady is the line ServeFlood prints once it handles its signals.
const floodReady = "flooding"

// FloodCounts is what the flooder got while it was measuring.
type FloodCounts struct {
	Acked   int64 `json:"acked"`   // replies OK
	Limited int64 `json:"limited"` // erro: rate limited
	Failed  int64 `json:"failed"`  // any other erro, or an undecodable reply
	Lost    int64 `json:"lost"`    // outstanding when floodLost passed without a reply
}

// ServeFlood is the flooding client, run as a process of its own (`zchat
// bench --flood-worker`): a DEALER that keeps floodInflight publishes
// (as user to channel) outstanding, unthrottled, sending a new one for
// every reply. It prints floodReady, counts replies between SIGUSR1 and
// SIGUSR2, and prints the counts as one JSON line to out when ctx ends.
//
// It stands for a client on another machine, so it first lowers its own
// CPU priority to the lowest: on the benchmark's 2-core machine its own
// work would otherwise be taken from the cluster, while the broker's work
// to refuse it is the subject of the measurement.
func ServeFlood(ctx context.Context, endpoint, user, channel string, out io.Writer) error {
	if err := reniceSelf(19); err != nil {
		return err
	}
	f := &flooder{build: builder{names: names{users: []string{user}, channels: []string{channel},
		run: strconv.FormatUint(rand.Uint64(), 36)}, size: DefaultSize, rng: rand.New(rand.NewPCG(rand.Uint64(), 7))}}
	marks := make(chan os.Signal, 2)
	signal.Notify(marks, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(marks)
	go func() {
		for sig := range marks {
			f.measuring.Store(sig == syscall.SIGUSR1)
		}
	}()
	fmt.Fprintln(out, floodReady) // the signals are handled from here on
	if err := f.run(ctx, endpoint); err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(f.counts())
}

// reniceSelf sets every thread of this process to nice; threads started
// later inherit it from the thread that starts them.
func reniceSelf(nice int) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err == nil {
			if err := unix.Setpriority(unix.PRIO_PROCESS, tid, nice); err != nil {
				return fmt.Errorf("renice thread %d: %w", tid, err)
			}
		}
	}
	return nil
}

type flooder struct {
	build     builder
	measuring atomic.Bool
	acked     atomic.Int64
	limited   atomic.Int64
	failed    atomic.Int64
	lost      atomic.Int64
}

func (f *flooder) counts() FloodCounts {
	return FloodCounts{Acked: f.acked.Load(), Limited: f.limited.Load(), Failed: f.failed.Load(), Lost: f.lost.Load()}
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
