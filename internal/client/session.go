package client

import (
	"context"
	"log/slog"
	"sync"
)

// Session follows topics losslessly on top of a Client. On every
// subscription it subscribes first and then catches up from history: the
// first time a topic is followed it shows the last Backlog messages, later
// (a re-subscription, or any reconnection to the proxy, which the client
// detects with a monitor on its SUB socket) it fetches, page by page, what
// was stored after the newest message shown (with a small overlap). Live
// copies of what history already showed, and vice versa, are dropped by id.
// Each connection is followed by a second catch-up (ResumeOptions.Settle)
// and, optionally, by periodic ones (ResumeOptions.Every), for publications
// lost upstream of the proxy, which no event on our socket reveals.
//
// One race remains: the proxy learns a subscription asynchronously, so a
// message stored after the catch-up read but published before the
// subscription reached the proxy is seen only by the next catch-up.
//
// The Session reads the Client's Messages: use one Session per Client and
// read the Session's Messages instead, from a goroutine of its own.
type Session struct {
	c       *Client
	log     *slog.Logger
	res     *Resumer
	follows map[string]Topic // owned by the loop
	ops     chan sessionOp
	out     chan Message
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

type sessionOp struct {
	ctx    context.Context
	topic  Topic
	follow bool
	done   chan error
}

// NewSession starts a Session on c.
func NewSession(c *Client, opts ResumeOptions) *Session {
	s := &Session{
		c: c, log: c.log, res: NewResumer(opts), follows: map[string]Topic{},
		ops: make(chan sessionOp), out: make(chan Message, 64),
		done: make(chan struct{}), stopped: make(chan struct{}),
	}
	go s.loop()
	return s
}

// Subscribe follows t: it returns after the subscription is in place and
// the catch-up messages are queued on Messages. A failed catch-up (a server
// without history) is logged, not returned: live messages still flow.
func (s *Session) Subscribe(ctx context.Context, t Topic) error {
	return s.request(sessionOp{ctx: ctx, topic: t, follow: true})
}

// Unsubscribe stops following t. Following it again later resumes where
// it stopped.
func (s *Session) Unsubscribe(ctx context.Context, t Topic) error {
	return s.request(sessionOp{ctx: ctx, topic: t})
}

// Messages delivers the messages of the followed topics, each once. It is
// closed when the Session or its Client closes.
func (s *Session) Messages() <-chan Message { return s.out }

// Close stops the Session (not its Client) and waits for its goroutine.
func (s *Session) Close() error {
	s.once.Do(func() { close(s.done) })
	<-s.stopped
	return nil
}

func (s *Session) request(op sessionOp) error {
	op.done = make(chan error, 1)
	select {
	case s.ops <- op:
	case <-op.ctx.Done():
		return op.ctx.Err()
	case <-s.stopped:
		return ErrClosed
	}
	select {
	case err := <-op.done:
		return err
	case <-s.stopped:
		return ErrClosed
	}
}
