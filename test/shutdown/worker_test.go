package shutdown_test

import (
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// replyTimeout is how long a client waits before retrying on a fresh
// socket (lazy pirate), with the same request_id.
const replyTimeout = 2 * time.Second

// giveUp bounds the retries of one request.
const giveUp = 20 * time.Second

// outcome is what one client saw of one publish.
type outcome struct {
	reqID    string
	attempts int    // 1: answered the first time
	status   string // of the final reply; "" if none came
	id       string // event id of the final reply
	server   string // who gave the final reply
}

// worker publishes messages one at a time on its own REQ socket until
// stop is closed, finishing (with retries) the one in progress.
type worker struct {
	name, frontend, channel string
	stop                    <-chan struct{}
	out                     []outcome
	err                     error
}

func (w *worker) run() {
	var sock *zmq.Socket
	defer func() {
		if sock != nil {
			sock.Close()
		}
	}()
	for i := 0; ; i++ {
		select {
		case <-w.stop:
			return
		default:
		}
		o := outcome{reqID: fmt.Sprintf("%s-%d", w.name, i)}
		if sock, w.err = w.publish(sock, &o); w.err != nil {
			return
		}
		w.out = append(w.out, o)
		time.Sleep(10 * time.Millisecond)
	}
}

// publish sends one post until a reply comes, reopening the socket after
// each timeout; it returns the socket to reuse.
func (w *worker) publish(sock *zmq.Socket, o *outcome) (*zmq.Socket, error) {
	data := map[string]any{"user": w.name, "channel": w.channel, "message": o.reqID, "request_id": o.reqID}
	deadline := time.Now().Add(giveUp)
	for time.Now().Before(deadline) {
		if sock == nil {
			var err error
			if sock, err = dial(w.frontend); err != nil {
				return nil, err
			}
		}
		o.attempts++
		reply, err := ask(sock, data)
		if err == nil {
			o.status, _ = reply.Data["status"].(string)
			o.id, _ = reply.Data["id"].(string)
			o.server, _ = reply.Data["server"].(string)
			return sock, nil
		}
		sock.Close() // a REQ without its reply cannot send again
		sock = nil
	}
	return sock, nil
}

func dial(ep string) (*zmq.Socket, error) {
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return nil, err
	}
	s.SetLinger(0)
	if err := s.Connect(ep); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

var errTimeout = fmt.Errorf("no reply within %v", replyTimeout)

func ask(s *zmq.Socket, data map[string]any) (wire.Message, error) {
	frame, err := wire.Encode(wire.MsgPack, "publish", data, 0, float64(time.Now().UnixNano())/1e9)
	if err != nil {
		return wire.Message{}, err
	}
	if _, err := s.SendBytes(frame, 0); err != nil {
		return wire.Message{}, err
	}
	poller := zmq.NewPoller()
	poller.Add(s, zmq.POLLIN)
	polled, err := poller.Poll(replyTimeout)
	if err != nil {
		return wire.Message{}, err
	}
	if len(polled) == 0 {
		return wire.Message{}, errTimeout
	}
	b, err := s.RecvBytes(0)
	if err != nil {
		return wire.Message{}, err
	}
	return wire.Decode(b, 0)
}
