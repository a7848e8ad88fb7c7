package zmqx

import (
	"fmt"
	"os"
	"syscall"

	zmq "github.com/pebbe/zmq4"
)

// Watch tells a socket's owner that the socket may have something to read,
// through Go's network poller on the socket's ZMQ_FD. An owner that waits
// on Watch.C in a select parks like any goroutine, where one blocked in
// zmq_poll holds an OS thread in a cgo call: with several such goroutines
// on few cores the runtime keeps taking their Ps back and its sysmon thread
// wakes every few microseconds, which measured as most of a server's
// context switches.
//
// ZMQ_FD is edge-triggered and only a hint: it fires when the socket's
// command mailbox receives something, and any call on the socket (a send
// included) may consume the event. So the owner must, before every wait,
// receive with DONTWAIT until EAGAIN or until Readable says no (either
// re-arms the signal), and treat a value on C as "look again", never as "a
// message is there".
type Watch struct {
	C    <-chan struct{}
	file *os.File
	done chan struct{}
}

// NewWatch starts watching s. Call it from the goroutine that owns s; the
// watch itself never touches s, only a duplicate of its descriptor.
func NewWatch(s *zmq.Socket) (*Watch, error) {
	fd, err := s.GetFd()
	if err != nil {
		return nil, fmt.Errorf("socket fd: %w", err)
	}
	dup, err := syscall.Dup(int(fd))
	if err != nil {
		return nil, fmt.Errorf("dup socket fd: %w", err)
	}
	syscall.CloseOnExec(dup)
	if err := requireNonblocking(dup); err != nil {
		syscall.Close(dup)
		return nil, err
	}
	file := os.NewFile(uintptr(dup), "zmq-fd") // non-blocking, so registered with the netpoller
	raw, err := file.SyscallConn()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("socket fd: %w", err)
	}
	c := make(chan struct{}, 1)
	w := &Watch{C: c, file: file, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		// Read calls the function, then waits for the next edge, until the
		// file is closed; it never reads the descriptor itself.
		_ = raw.Read(func(uintptr) bool {
			select {
			case c <- struct{}{}:
			default: // a wake-up is already pending
			}
			return false
		})
	}()
	return w, nil
}

// Readable reports whether a message waits on s. Asking also processes the
// socket's pending commands, which re-arms its ZMQ_FD edge: owners ask
// before every wait on a Watch. Call it from s's owner.
func Readable(s *zmq.Socket) bool {
	ev, err := s.GetEvents()
	return err == nil && ev&zmq.POLLIN != 0
}

// Close stops the watch. The socket stays open.
func (w *Watch) Close() {
	w.file.Close()
	<-w.done
}

// requireNonblocking checks that fd is in non-blocking mode, which is what
// makes os.NewFile register it with the netpoller; a blocking one would
// leave the watch silent and every owner waiting for its recheck tick.
// libzmq makes its signalling descriptors non-blocking.
func requireNonblocking(fd int) error {
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if errno != 0 {
		return fmt.Errorf("socket fd flags: %w", errno)
	}
	if flags&syscall.O_NONBLOCK == 0 {
		return fmt.Errorf("socket fd %d is blocking: cannot watch it", fd)
	}
	return nil
}
