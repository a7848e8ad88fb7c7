package client

import (
	"math"
	"time"

	"zchat/internal/wire"
)

// entryMessage reads one entry of a history reply.
func entryMessage(entry map[string]any) Message {
	w := wire.Message{Data: entry}
	w.Clock = entryClock(w)
	w.Timestamp, _ = wire.Seconds(entry["timestamp"])
	return fromWire(w, "")
}

// entryClock reads the clock of a history entry where wire would find it.
func entryClock(w wire.Message) uint64 {
	for _, key := range []string{"clock", "lamport_clock"} {
		if c, err := w.OptInt(key, 0); err == nil && c > 0 {
			return uint64(c)
		}
	}
	return 0
}

// fromWire reads a post or private message out of decoded fields. topic is
// the publication's topic frame, "" for history entries. A message is
// private when it names no channel but names a sender or recipient.
func fromWire(w wire.Message, topic string) Message {
	w.Service = "message" // read src/dst through wire's from/to synonyms
	src, _ := w.OptString("src")
	dst, _ := w.OptString("dst")
	channel, _ := wire.AsString(w.Data["channel"])
	m := Message{
		ID:    idText(w.Data["id"]),
		Text:  firstText(w.Data, textKeys),
		Time:  seconds(w.Timestamp),
		Clock: w.Clock,
	}
	if channel == "" && (src != "" || dst != "") {
		return private(m, src, dst, w.Data, topic)
	}
	return post(m, channel, w.Data, topic)
}

func private(m Message, src, dst string, data map[string]any, topic string) Message {
	m.Private = true
	m.User = or(src, firstText(data, authorKeys))
	m.Dst = or(dst, topic)
	m.Topic = or(topic, m.Dst)
	return m
}

func post(m Message, channel string, data map[string]any, topic string) Message {
	m.User = firstText(data, authorKeys)
	m.Channel = or(channel, topic)
	m.Topic = or(topic, m.Channel)
	return m
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// seconds turns float seconds since the epoch into a time; 0 is unknown.
func seconds(s float64) time.Time {
	if s <= 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return time.Time{}
	}
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(frac*1e9))
}
