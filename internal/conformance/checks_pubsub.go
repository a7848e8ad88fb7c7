package conformance

import (
	"bytes"
	"fmt"

	"zchat/internal/wire"
)

// pubsubChecks cover publications: a channel post on topic = channel, a
// private message on topic = recipient, each [topic, MessagePack map].
func pubsubChecks() []Check {
	post := func(r *pubRun) *observed { return r.post }
	private := func(r *pubRun) *observed { return r.private }
	return []Check{
		{"post-arrives", "a channel post is published on topic = channel", arrives(post)},
		{"post-frames", "a post publication is two frames [exact topic, payload]", frames(post)},
		{"post-payload", "a post payload is a MessagePack map", payload(post)},
		{"post-fields", "a post payload has user, message (and timestamp, clock)", fields(post, "user")},
		{"private-arrives", "a private message is published on topic = recipient", arrives(private)},
		{"private-frames", "a private publication is two frames [exact topic, payload]", frames(private)},
		{"private-payload", "a private payload is a MessagePack map", payload(private)},
		{"private-fields", "a private payload has src, message (and timestamp, clock)", fields(private, "src")},
		{"lamport-publication", "a publication's clock is greater than the clock of the request that caused it", checkPublicationClock},
	}
}

type pick func(*pubRun) *observed

// arrived returns the publication, or the verdict when there is none.
func arrived(e *Env, which pick) (*observed, *Verdict) {
	r := e.publications()
	if r.err != nil {
		v := failf("set-up: %v", r.err)
		return nil, &v
	}
	o := which(r)
	if o.frames == nil {
		v := failf("no publication on topic %q within %v", o.topic, e.timeout)
		return nil, &v
	}
	return o, nil
}

func arrives(which pick) func(*Env) Verdict {
	return func(e *Env) Verdict {
		if _, v := arrived(e, which); v != nil {
			return *v
		}
		return pass()
	}
}

func frames(which pick) func(*Env) Verdict {
	return func(e *Env) Verdict {
		o, v := arrived(e, which)
		switch {
		case v != nil:
			return *v
		case len(o.frames) == 1:
			return failf("publication arrived as one frame: %q", clip(o.frames[0]))
		case len(o.frames) != 2:
			return failf("publication arrived as %d frames", len(o.frames))
		case string(o.frames[0]) != o.topic:
			return failf("topic frame is %q, want exactly %q", clip(o.frames[0]), o.topic)
		}
		return pass()
	}
}

// decoded is the publication's payload (its last frame), decoded.
func decoded(e *Env, which pick) (*observed, wire.Message, *Verdict) {
	o, v := arrived(e, which)
	if v != nil {
		return nil, wire.Message{}, v
	}
	m, err := wire.DecodePublication(payloadFrame(o))
	if err != nil {
		v := failf("payload does not decode as a map: %v", err)
		return nil, m, &v
	}
	return o, m, nil
}

func payload(which pick) func(*Env) Verdict {
	return func(e *Env) Verdict {
		_, m, v := decoded(e, which)
		switch {
		case v != nil:
			return *v
		case m.Encoding == wire.JSON:
			return failf("payload is JSON; the standard says MessagePack")
		case m.Service != "":
			return warnf("payload is an envelope (service %q), not a flat map", m.Service)
		}
		return pass()
	}
}

func fields(which pick, who string) func(*Env) Verdict {
	return func(e *Env) Verdict {
		o, m, v := decoded(e, which)
		if v != nil {
			return *v
		}
		if text, _ := m.OptString("message"); text != o.text {
			return failf("payload message is %q, want %q", text, o.text)
		}
		if s, _ := m.OptString(who); s == "" {
			return senderElsewhere(m, who)
		}
		for _, k := range []string{"timestamp", "clock"} {
			if _, ok := m.Data[k]; !ok {
				return warnf("payload has no %q (customary)", k)
			}
		}
		return pass()
	}
}

// senderElsewhere judges a payload without the customary sender field.
func senderElsewhere(m wire.Message, who string) Verdict {
	for _, k := range []string{"user", "src", "from"} {
		if s, _ := m.OptString(k); s != "" {
			return warnf("payload names the sender under %q, not the customary %q", k, who)
		}
	}
	return failf("payload has no %q naming the sender: %v", who, m.Data)
}

func checkPublicationClock(e *Env) Verdict {
	o, m, v := decoded(e, func(r *pubRun) *observed { return r.post })
	switch {
	case v != nil:
		return *v
	case m.Clock == 0:
		return warnf("publication carries no clock")
	case m.Clock <= o.sent:
		return failf("Lamport clock in publication (%d) not greater than request clock (%d)", m.Clock, o.sent)
	}
	return pass()
}

// payloadFrame is the payload of a publication; in a one-frame publication,
// what follows the topic and a separator, so that the payload is judged
// apart from the framing.
func payloadFrame(o *observed) []byte {
	if len(o.frames) > 1 {
		return o.frames[len(o.frames)-1]
	}
	rest := bytes.TrimPrefix(o.frames[0], []byte(o.topic))
	return bytes.TrimLeft(rest, " :|\t")
}

// clip shortens a frame for a report line.
func clip(b []byte) string {
	const n = 48
	if len(b) > n {
		return fmt.Sprintf("%s...", b[:n])
	}
	return string(b)
}
