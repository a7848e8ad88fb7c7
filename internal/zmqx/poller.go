package zmqx

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	zmq "github.com/pebbe/zmq4"
	"golang.org/x/sys/unix"
)

// Poller lets one goroutine that owns several sockets wait until any of
// them may have something to read, parked in Go's network poller itself.
// It is Watch without the hand-off: a Watch's goroutine wakes on the edge
// and passes it on through a channel, which costs a goroutine switch and,
// with an idle P, a futex wake-up of another thread on every message. For
// a loop that wakes once or twice per message (the broker) that hand-off
// cost more CPU than the forwarding; here the waiting goroutine is woken
// directly.
//
// The sockets' ZMQ_FDs (duplicates) sit in an epoll instance of their own,
// and the netpoller watches that instance's descriptor: every signal on a
// socket's ZMQ_FD wakes whoever polls the instance, so the netpoller sees
// an edge per signal without the instance ever being read (which would
// cost a system call per wake-up; Wait looks at it once before it parks,
// see there). The same rules as for Watch apply: the
// owner drains every socket (receives until EAGAIN, or asks Readable)
// before each Wait, and a return from Wait means "look again", which may
// also come from a signal already handled.
type Poller struct {
	ep       *os.File
	raw      syscall.RawConn
	dups     []int
	ctx      context.Context
	stop     func() bool // unregisters the context hook
	deadline time.Time   // of the safety-net timer
	events   [1]unix.EpollEvent
}

// NewPoller watches socks for the calling goroutine, their owner, until
// Close; a Wait returns at once after ctx ends.
func NewPoller(ctx context.Context, socks ...*zmq.Socket) (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: %w", err)
	}
	p := &Poller{ctx: ctx}
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("epoll: %w", err)
	}
	p.ep = os.NewFile(uintptr(epfd), "zmq-poller") // non-blocking: the netpoller takes it
	for _, s := range socks {
		if err := p.add(s); err != nil {
			p.Close()
			return nil, err
		}
	}
	if p.raw, err = p.ep.SyscallConn(); err != nil {
		p.Close()
		return nil, fmt.Errorf("poller: %w", err)
	}
	p.stop = context.AfterFunc(ctx, func() { p.ep.SetReadDeadline(time.Unix(1, 0)) })
	return p, nil
}

func (p *Poller) add(s *zmq.Socket) error {
	fd, err := s.GetFd()
	if err != nil {
		return fmt.Errorf("socket fd: %w", err)
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("dup socket fd: %w", err)
	}
	p.dups = append(p.dups, dup)
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(dup)}
	if err := unix.EpollCtl(int(p.ep.Fd()), unix.EPOLL_CTL_ADD, dup, &ev); err != nil {
		return fmt.Errorf("epoll add: %w", err)
	}
	return nil
}

// Wait parks the calling goroutine until a socket's ZMQ_FD signals, the
// context ends, or, as a safety net (with the draining rule no signal is
// lost), about timeout passes.
func (p *Poller) Wait(timeout time.Duration) {
	// Re-arming the deadline costs a timer update; doing it only when half
	// of it is used up keeps that off the path of every wait.
	if now := time.Now(); p.deadline.Sub(now) < timeout/2 {
		p.deadline = now.Add(timeout)
		p.ep.SetReadDeadline(p.deadline)
		// The context's hook sets a past deadline; checking after the
		// update means it cannot have been overwritten unseen.
		if p.ctx.Err() != nil {
			return
		}
	}
	// Read forgets any edge the netpoller saw before it (it resets the
	// descriptor's readiness, expecting the function to read), then calls
	// the function, then parks until the descriptor is signalled (or the
	// deadline), then calls it again. A signal that came between the
	// owner's last receive and this call would be forgotten, and the owner
	// left waiting with a message there: so the first call looks, without
	// waiting, whether a socket's ZMQ_FD is signalled (the inner epoll
	// holds them level-triggered; libzmq clears the signal when it takes
	// it, so a drained socket's is clear). That is one system call per
	// wait, none per wake-up.
	waited := false
	_ = p.raw.Read(func(fd uintptr) bool {
		if waited {
			return true
		}
		waited = true
		return p.signalled(int(fd))
	})
}

// signalled tells whether a socket of the epoll instance epfd is
// signalled now.
func (p *Poller) signalled(epfd int) bool {
	for {
		n, err := unix.EpollWait(epfd, p.events[:], 0)
		if err != unix.EINTR {
			return n > 0
		}
	}
}

// Close releases the poller; the sockets stay open. A Wait after Close
// returns at once.
func (p *Poller) Close() {
	if p.stop != nil {
		p.stop()
	}
	p.ep.Close()
	for _, d := range p.dups {
		unix.Close(d)
	}
}
