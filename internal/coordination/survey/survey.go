package survey

import (
	"context"
	"fmt"
	"sync"
	"time"

	"zchat/internal/auth"
	"zchat/internal/clock"
	"zchat/internal/wire"
)

// Server is one server's answer to `status`, as the survey read it.
type Server struct {
	Name        string   `json:"server"`
	Address     string   `json:"address"`
	Rank        int      `json:"rank"`
	Coordinator string   `json:"coordinator"`
	State       string   `json:"state,omitempty"`
	Time        float64  `json:"time"`    // its clock when it answered, seconds
	Offset      float64  `json:"offset"`  // the correction it applies, seconds
	Skew        float64  `json:"skew"`    // its --clock-skew, seconds
	Pending     float64  `json:"pending"` // negative correction still being slewed in
	Clock       uint64   `json:"clock"`   // Lamport
	Peers       []string `json:"peers"`
	Uptime      float64  `json:"uptime"`
	Events      int64    `json:"events"`
	Elections   int64    `json:"elections"`
	// Ahead is its clock minus the local one, compensated by half the
	// round trip RTT: the survey's own Berkeley reading.
	Ahead float64 `json:"ahead"`
	RTT   float64 `json:"rtt"`
	Error string  `json:"error,omitempty"`
}

// Survey lists the servers at the reference and asks each for its status,
// all at once, each answer awaited at most timeout. Both are member
// endpoints: the survey proves membership of cluster.
func Survey(ctx context.Context, reference string, timeout time.Duration, cluster auth.Cluster) (Report, error) {
	var lamport clock.Lamport
	d := dialer{timeout: timeout, lamport: &lamport, cluster: cluster}
	servers, err := list(ctx, reference, d)
	if err != nil {
		return Report{}, fmt.Errorf("reference %s: %w", reference, err)
	}
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() { servers[i].ask(ctx, d) })
	}
	wg.Wait()
	return summarize(reference, servers), nil
}

func list(ctx context.Context, reference string, d dialer) ([]Server, error) {
	c, err := d.open(reference)
	if err != nil {
		return nil, err
	}
	defer c.close()
	x, err := c.call(ctx, "list")
	if err != nil {
		return nil, err
	}
	return parseList(x.reply.Data["list"]), nil
}

// ask fills s from the server's status reply, or sets Error.
func (s *Server) ask(ctx context.Context, d dialer) {
	if s.Address == "" {
		s.Error = "no address in the reference's list"
		return
	}
	c, err := d.open(s.Address)
	if err != nil {
		s.Error = err.Error()
		return
	}
	defer c.close()
	x, err := c.call(ctx, "status")
	if err != nil {
		s.Error = err.Error()
		return
	}
	s.read(x.reply)
	s.measure(x, s.Time)
	s.readClock(ctx, c)
}

// clockSamples: the status exchange paid for connecting, so its round trip
// is long and lopsided; a few standard clock requests on the warm
// connection measure the clock well (the shortest round trip counts).
const clockSamples = 3

func (s *Server) readClock(ctx context.Context, c *conn) {
	for range clockSamples {
		x, err := c.call(ctx, "clock")
		if err != nil {
			return
		}
		if t, ok := wire.Seconds(x.reply.Data["time"]); ok && x.received.Sub(x.sent).Seconds() < s.RTT {
			s.measure(x, t)
		}
	}
}

// measure sets Ahead from a reading of the server's clock at remote.
func (s *Server) measure(x exchange, remote float64) {
	rtt := x.received.Sub(x.sent).Seconds()
	s.RTT, s.Ahead = rtt, remote+rtt/2-seconds(x.received)
}

func replyError(m wire.Message) error {
	if st, _ := m.Data["status"].(string); st == wire.StatusError {
		return fmt.Errorf("%s refused: %v", m.Service, m.Data["description"])
	}
	return nil
}

// parseList reads the reference's list: maps with name, rank, address.
func parseList(v any) []Server {
	items, _ := v.([]any)
	var out []Server
	for _, item := range items {
		m, ok := wire.AsMap(item)
		if !ok {
			continue
		}
		s := Server{Name: str(m["name"]), Rank: int(integer(m["rank"])), Address: str(m["address"])}
		if s.Name != "" {
			out = append(out, s)
		}
	}
	return out
}
