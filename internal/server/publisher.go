package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/transport"
)

// publisher owns the PUB socket connected to the proxy's XSUB side.
type publisher struct {
	endpoint string
	cluster  auth.Cluster
	in       <-chan Publication
	log      *slog.Logger
}

func (p *publisher) run(ctx context.Context) error {
	pub, err := zmq.NewSocket(zmq.PUB)
	if err != nil {
		return fmt.Errorf("publisher socket: %w", err)
	}
	defer pub.Close()
	transport.SetLiveness(pub)
	pub.SetSndhwm(100000)
	if err := p.cluster.Client(pub); err != nil {
		return fmt.Errorf("publisher socket: %w", err)
	}
	if err := pub.Connect(p.endpoint); err != nil {
		return fmt.Errorf("connect proxy %s: %w", p.endpoint, err)
	}
	for {
		select {
		case m := <-p.in:
			p.send(pub, m)
		case <-ctx.Done():
			p.flush(pub)
			return nil
		}
	}
}

func (p *publisher) send(pub *zmq.Socket, m Publication) {
	if _, err := pub.SendMessage(m.Topic, m.Payload); err != nil {
		p.log.Warn("publish failed", "topic", m.Topic, "err", err)
	}
}

// flush sends what handlers queued during shutdown.
func (p *publisher) flush(pub *zmq.Socket) {
	deadline := time.After(transport.DrainTimeout)
	for {
		select {
		case m := <-p.in:
			p.send(pub, m)
		case <-deadline:
			return
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}
