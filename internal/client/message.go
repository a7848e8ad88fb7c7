package client

import (
	"fmt"
	"strings"
	"time"

	"zchat"
	"zchat/internal/termtext"
)

// Message is a channel post or a private message, live or from history.
type Message struct {
	ID      string    `json:"id,omitempty"`      // stable event id; "" from servers that have none
	Topic   string    `json:"topic"`             // channel (posts) or recipient (private)
	Channel string    `json:"channel,omitempty"` // posts only
	User    string    `json:"user"`              // author of a post, sender of a private message
	Dst     string    `json:"dst,omitempty"`     // recipient, private only
	Text    string    `json:"message"`
	Time    time.Time `json:"time"`
	Clock   uint64    `json:"clock"`
	Private bool      `json:"private"`
}

// String is the human line for m, safe to print on a terminal (see
// termtext): : "[15:04:05] #geral <ana> hello (clock 42)"
// for a post, "[15:04:05] @bob <ana> hi (clock 43)" for a private message
// from ana to bob.
func (m Message) String() string {
	line := fmt.Sprintf("[%s] %s <%s> %s (clock %d)", clockTime(m.Time), m.Where(), m.User, m.Text, m.Clock)
	return termtext.Clean(line)
}

// Where is "#channel" for a post and "@recipient" for a private message.
func (m Message) Where() string {
	if m.Private {
		return "@" + m.Dst
	}
	return "#" + m.Channel
}

func clockTime(t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return t.Local().Format(time.TimeOnly)
}

// Ack is the acknowledgement of an accepted post or private message.
type Ack struct {
	ID     string `json:"id,omitempty"` // the stored event's id; "" from servers that have none
	Server string `json:"server,omitempty"`
	Clock  uint64 `json:"clock"`
}

// Topic is what a subscriber follows: a channel, or a user's inbox (the
// private messages addressed to that user). Both are ZeroMQ topics named
// after the channel or the user.
type Topic struct {
	Name    string
	Private bool
}

// ChannelTopic follows the posts of a channel.
func ChannelTopic(name string) Topic { return Topic{Name: name} }

// UserTopic follows the private messages addressed to a user.
func UserTopic(name string) Topic { return Topic{Name: name, Private: true} }

// ParseTopic reads the command-line notation: "@ana" is ana's inbox,
// anything else a channel.
func ParseTopic(s string) Topic {
	if name, ok := strings.CutPrefix(s, "@"); ok {
		return UserTopic(name)
	}
	return ChannelTopic(s)
}

// String is the command-line notation of t: "@ana" or "geral".
func (t Topic) String() string {
	if t.Private {
		return "@" + t.Name
	}
	return t.Name
}

// query is the history query for t's messages after the id after.
func (t Topic) query(after string, limit int) zchat.HistoryQuery {
	q := zchat.HistoryQuery{After: after, Limit: limit}
	if t.Private {
		q.User = t.Name
	} else {
		q.Channel = t.Name
	}
	return q
}
