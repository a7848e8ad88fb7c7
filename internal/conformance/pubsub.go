package conformance

import (
	"bytes"
	"fmt"
	"time"
)

// observed is one publication the run provoked and what arrived for it.
type observed struct {
	topic  string
	text   string   // unique message text, to recognise it
	sent   uint64   // Lamport clock of the request that caused it
	frames [][]byte // nil when nothing arrived
}

// pubRun is the publication scenario, run once per Env: subscribe to a
// channel and to a user, post to the channel, send the user a private
// message, and collect what arrives.
type pubRun struct {
	err           error
	post, private *observed
}

func (e *Env) publications() *pubRun {
	if e.pubs == nil {
		e.pubs = e.runPublications()
	}
	return e.pubs
}

func (e *Env) runPublications() *pubRun {
	src, ch, err := poster(e)
	if err != nil {
		return &pubRun{err: err}
	}
	dst, err := e.loggedIn("user-b")
	if err != nil {
		return &pubRun{err: err}
	}
	sub, err := e.target.Subscribe(e.ctx, ch, dst)
	if err != nil {
		return &pubRun{err: fmt.Errorf("subscribe: %w", err)}
	}
	defer sub.Close()
	run := &pubRun{
		post:    &observed{topic: ch, text: "post " + e.Name("text")},
		private: &observed{topic: dst, text: "private " + e.Name("text")},
	}
	if run.err = e.send(run.post, "publish", map[string]any{"user": src, "channel": ch}); run.err == nil {
		run.err = e.send(run.private, "message", map[string]any{"src": src, "dst": dst})
	}
	if run.err == nil {
		collect(sub, time.Now().Add(e.timeout), run.post, run.private)
	}
	return run
}

// send makes the request that should cause o's publication.
func (e *Env) send(o *observed, service string, data map[string]any) error {
	data["message"] = o.text
	rep, err := e.call(request{service: service, data: data})
	if err != nil {
		return fmt.Errorf("%s: %w", service, err)
	}
	if s := rep.Status(); s != "OK" && s != "sucesso" {
		return fmt.Errorf("%s answered %v", service, rep)
	}
	o.sent = rep.SentClock
	return nil
}

// collect reads publications until every wanted one arrived or the
// deadline passed; a publication is recognised by its unique text.
func collect(sub Subscription, deadline time.Time, want ...*observed) {
	for missing(want) && time.Now().Before(deadline) {
		frames, err := sub.Next(time.Until(deadline))
		if err != nil {
			return
		}
		for _, o := range want {
			if o.frames == nil && contains(frames, o.text) {
				o.frames = frames
			}
		}
	}
}

func missing(want []*observed) bool {
	for _, o := range want {
		if o.frames == nil {
			return true
		}
	}
	return false
}

func contains(frames [][]byte, text string) bool {
	for _, f := range frames {
		if bytes.Contains(f, []byte(text)) {
			return true
		}
	}
	return false
}
