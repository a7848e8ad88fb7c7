package main

import (
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// flushTimeout bounds how long a stopping server waits for libzmq to send
// what its closed sockets still hold (their linger is at most a second).
const flushTimeout = 1500 * time.Millisecond

// flushZMQ terminates the default ZeroMQ context, which waits for every
// closed socket's queued messages (the last replies of a drain) to be sent
// or for their linger to expire. Without it the process could exit before
// libzmq's I/O thread wrote them. It gives up after flushTimeout, e.g. if
// a socket was left open.
func flushZMQ(log *slog.Logger) {
	done := make(chan struct{})
	go func() { zmq.Term(); close(done) }()
	select {
	case <-done:
	case <-time.After(flushTimeout):
		log.Warn("shutdown: gave up flushing ZeroMQ sockets", "after", flushTimeout)
	}
}
