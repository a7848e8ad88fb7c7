package transport

import (
	"fmt"
	"sync/atomic"
	"time"

	zmq "github.com/pebbe/zmq4"
)

var pipeSeq atomic.Int64

// pipe carries multi-frame messages from any goroutine to a socket owner:
// writers send on In; the owner polls Out (a PULL socket it owns).
type pipe struct {
	In   chan [][]byte
	Out  *zmq.Socket
	quit chan struct{} // closed to stop the writer side; In is never closed
	done chan error
}

func newPipe(capacity int) (*pipe, error) {
	addr := fmt.Sprintf("inproc://transport-pipe-%d", pipeSeq.Add(1))
	pull, err := zmq.NewSocket(zmq.PULL)
	if err != nil {
		return nil, fmt.Errorf("pipe socket: %w", err)
	}
	pull.SetRcvhwm(0)
	if err := pull.Bind(addr); err != nil {
		pull.Close()
		return nil, fmt.Errorf("bind %s: %w", addr, err)
	}
	p := &pipe{In: make(chan [][]byte, capacity), Out: pull, quit: make(chan struct{}), done: make(chan error, 1)}
	go func() { p.done <- pushAll(addr, p.In, p.quit) }()
	return p, nil
}

// pushAll owns the PUSH end until quit is closed, then forwards what is
// still queued.
func pushAll(addr string, in <-chan [][]byte, quit <-chan struct{}) error {
	push, err := zmq.NewSocket(zmq.PUSH)
	if err != nil {
		return err
	}
	defer push.Close()
	push.SetSndhwm(0)
	push.SetLinger(time.Second)
	if err := push.Connect(addr); err != nil {
		return err
	}
	for {
		select {
		case frames := <-in:
			if _, err := push.SendMessage(frames); err != nil {
				return err
			}
		case <-quit:
			return sendQueued(push, in)
		}
	}
}

func sendQueued(push *zmq.Socket, in <-chan [][]byte) error {
	for {
		select {
		case frames := <-in:
			if _, err := push.SendMessage(frames); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// close stops the writer side; the owner closes Out after draining it.
// Writers that may race with close must also select on p.quit.
func (p *pipe) close() error {
	close(p.quit)
	return <-p.done
}

// drain hands every message waiting in Out to fn without blocking.
func (p *pipe) drain(fn func([][]byte)) {
	for {
		frames, err := p.Out.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		fn(frames)
	}
}
