package zmqx

import (
	"fmt"
	"sync/atomic"
	"syscall"
	"time"

	zmq "github.com/pebbe/zmq4"
)

var captureSeq atomic.Uint64

// captureHWM bounds the copies waiting for the counting goroutine. The
// capture side is a PUB, which drops at the mark instead of blocking the
// proxy: under extreme load the counts fall short, forwarding never slows.
const captureHWM = 100000

// startCapture binds a PUB for libzmq's proxy to copy every forwarded
// frame to (owned by the proxy's goroutine from then on) and starts a
// goroutine that owns the SUB end and calls observe once per multi-part
// message with its total size. stop ends that goroutine and closes the
// PUB; call it after the proxy has returned.
func startCapture(zctx *zmq.Context, observe func(bytes int)) (pub *zmq.Socket, stop func(), err error) {
	endpoint := fmt.Sprintf("inproc://zmqx-capture-%d", captureSeq.Add(1))
	pub, err = Bind(zctx, zmq.PUB, endpoint, Options{HWM: captureHWM, Linger: 0})
	if err != nil {
		return nil, nil, err
	}
	sub, err := zctx.NewSocket(zmq.SUB)
	if err == nil {
		err = captureOptions(sub, endpoint)
	}
	if err != nil {
		if sub != nil {
			sub.Close()
		}
		pub.Close()
		return nil, nil, fmt.Errorf("capture socket: %w", err)
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go countCaptured(sub, observe, quit, done) // sub is owned by it from here
	return pub, func() { close(quit); <-done; pub.Close() }, nil
}

func captureOptions(sub *zmq.Socket, endpoint string) error {
	for _, step := range []func() error{
		func() error { return sub.SetLinger(0) },
		func() error { return sub.SetRcvhwm(captureHWM) },
		func() error { return sub.SetSubscribe("") },
		func() error { return sub.Connect(endpoint) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// countCaptured owns sub until quit is closed.
func countCaptured(sub *zmq.Socket, observe func(bytes int), quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer sub.Close()
	poller := zmq.NewPoller()
	poller.Add(sub, zmq.POLLIN)
	for {
		select {
		case <-quit:
			return
		default:
		}
		polled, err := poller.Poll(100 * time.Millisecond)
		if err != nil && zmq.AsErrno(err) != zmq.Errno(syscall.EINTR) {
			return // the PUB drops what nobody reads
		}
		if len(polled) == 0 {
			continue
		}
		for {
			frames, err := sub.RecvMessageBytes(zmq.DONTWAIT)
			if err != nil {
				break
			}
			n := 0
			for _, f := range frames {
				n += len(f)
			}
			observe(n)
		}
	}
}
