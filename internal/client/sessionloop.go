package client

import (
	"context"
	"errors"
)

// maxCatchUpPages bounds one catch-up (100k messages at the default page
// size): a topic busier than that is resumed from its newest page.
const maxCatchUpPages = 1000

func (s *Session) loop() {
	defer close(s.stopped)
	defer close(s.out)
	t := newTimers(s.res.opts)
	defer t.stop()
	for {
		select {
		case <-s.done:
			return
		case op := <-s.ops:
			op.done <- s.apply(op)
		case m, ok := <-s.c.Messages():
			if !ok || !s.live(m) {
				return
			}
		case <-s.c.Connects():
			t.connected()
			s.resumeAll()
		case <-t.settled():
			s.resumeAll()
		case <-t.tick():
			s.resumeAll()
		}
	}
}

func (s *Session) apply(op sessionOp) error {
	if !op.follow {
		delete(s.follows, op.topic.Name)
		return s.c.Unsubscribe(op.ctx, op.topic.Name)
	}
	if err := s.c.Subscribe(op.ctx, op.topic.Name); err != nil {
		return err
	}
	s.follows[op.topic.Name] = op.topic
	s.catchUp(op.ctx, op.topic)
	return nil
}

// live shows a live message of a followed topic unless already shown. It
// returns false when the Session closes.
func (s *Session) live(m Message) bool {
	if _, ok := s.follows[m.Topic]; !ok || !s.res.Accept(m) {
		return true
	}
	return s.emit(m)
}

func (s *Session) emit(m Message) bool {
	select {
	case s.out <- m:
		return true
	case <-s.done:
		return false
	}
}

func (s *Session) resumeAll() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	for _, t := range s.follows {
		s.catchUp(ctx, t)
	}
}

// catchUp shows what history holds for t that was not shown yet.
func (s *Session) catchUp(ctx context.Context, t Topic) {
	p := s.res.Plan(t.Name)
	for range maxCatchUpPages {
		page, err := s.fetch(ctx, t, p)
		if err != nil {
			s.log.Warn("history catch-up failed", "topic", t.String(), "after", p.After, "err", err)
			return
		}
		for _, m := range s.res.Take(t.Name, p, page) {
			if !s.emit(m) {
				return
			}
		}
		var more bool
		if p, more = p.Next(page); !more {
			return
		}
	}
}

// fetch reads the page of p, falling back to the newest page when the
// server does not know the cursor (the dedup window drops what was shown).
func (s *Session) fetch(ctx context.Context, t Topic, p Plan) ([]Message, error) {
	page, err := s.c.History(ctx, t.query(p.After, p.Limit))
	var re *ReplyError
	if p.After != "" && errors.As(err, &re) {
		s.log.Info("resume cursor refused, reading the newest page", "topic", t.String(), "after", p.After, "err", err)
		return s.c.History(ctx, t.query("", p.Limit))
	}
	return page, err
}
