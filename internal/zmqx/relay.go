package zmqx

import (
	"context"
	"io"
	"log/slog"

	zmq "github.com/pebbe/zmq4"
)

// Side is one bound socket of a relay.
type Side struct {
	Type     zmq.Type
	Endpoint string
	Secure   Secure // nil: the side is open to anyone
}

// Relay is a two-socket forwarding device, the shape of both the broker
// (ROUTER/DEALER) and the proxy (XSUB/XPUB): bind both sides and steer
// messages between them.
type Relay struct {
	Name        string // for the log lines: "broker", "proxy"
	Front, Back Side
	Options     Options
	Logger      *slog.Logger    // nil: no logging
	Observe     func(bytes int) // nil: no message counting
	Forwarding  interface{ Set(bool) }
}

// Run binds both sides and forwards until ctx is cancelled (nil error) or
// the device fails; Forwarding, if set, is true while it forwards.
func (r Relay) Run(ctx context.Context) error {
	log := r.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	zctx, err := zmq.NewContext()
	if err != nil {
		return err
	}
	defer zctx.Term()
	front, closeFront, err := BindSide(zctx, r.Front, r.Options)
	if err != nil {
		return err
	}
	defer closeFront()
	back, closeBack, err := BindSide(zctx, r.Back, r.Options)
	if err != nil {
		return err
	}
	defer closeBack()
	log.Info(r.Name+" running", "front", r.Front.Endpoint, "back", r.Back.Endpoint)
	r.setForwarding(true)
	err = SteerObserved(ctx, zctx, front, back, r.Observe)
	r.setForwarding(false)
	log.Info(r.Name+" stopped", "err", err)
	return err
}

func (r Relay) setForwarding(on bool) {
	if r.Forwarding != nil {
		r.Forwarding.Set(on)
	}
}
