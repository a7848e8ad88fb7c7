package tui

import (
	"context"
	"fmt"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"zchat"
	"zchat/internal/client"
)

// The requests, each a tea.Cmd run off the model's goroutine. They must
// not touch the model: what they need is captured when they are made.

// request numbers a request, tracks it as pending, and arms the timer
// that reports it stalled (being retried by the client).
func (m *Model) request(fn func(ctx context.Context) (any, error)) tea.Cmd {
	m.seq++
	seq, ctx := m.seq, m.ctx
	m.pending[seq] = true
	run := func() tea.Msg {
		body, err := fn(ctx)
		return replyMsg{seq: seq, err: err, body: body}
	}
	stall := tea.Tick(m.opts.Timeout, func(time.Time) tea.Msg { return stalledMsg{seq} })
	return tea.Batch(run, stall)
}

func (m *Model) loginCmd(user string) tea.Cmd {
	return m.request(func(ctx context.Context) (any, error) {
		notice, err := m.c.Login(ctx, user)
		return loggedIn{user, notice}, err
	})
}

func (m *Model) inboxCmd(user string) tea.Cmd {
	return m.request(func(ctx context.Context) (any, error) {
		return subscribed{}, m.c.Subscribe(ctx, client.UserTopic(user))
	})
}

func (m *Model) usersCmd(show bool) tea.Cmd {
	return m.request(func(ctx context.Context) (any, error) {
		names, err := m.c.Users(ctx)
		return usersList{names, show}, err
	})
}

func (m *Model) channelsCmd(show bool) tea.Cmd {
	return m.request(func(ctx context.Context) (any, error) {
		names, err := m.c.Channels(ctx)
		return channelsList{names, show}, err
	})
}

// joinCmd checks that the channel exists (subscribing to a missing one
// would silently show nothing), unless we just created it (a server that
// has not replicated it yet would deny it), then follows it through the
// session, which queues its recent history before returning.
func (m *Model) joinCmd(channel string, check bool) tea.Cmd {
	return m.request(func(ctx context.Context) (any, error) {
		var err error
		if check {
			err = exists(ctx, m.c, channel)
		}
		if err == nil {
			err = m.c.Subscribe(ctx, client.ChannelTopic(channel))
		}
		return joined{channel}, err
	})
}

func exists(ctx context.Context, c Client, channel string) error {
	names, err := c.Channels(ctx)
	if err == nil && !slices.Contains(names, channel) {
		err = fmt.Errorf("no channel %q (create it with /create %s)", channel, channel)
	}
	return err
}

func (m *Model) createCmd(channel string) tea.Cmd {
	me := m.st.me
	return m.request(func(ctx context.Context) (any, error) {
		return created{channel}, m.c.CreateChannelAs(ctx, me, channel)
	})
}

func (m *Model) partCmd(channel string) tea.Cmd {
	return m.request(func(ctx context.Context) (any, error) {
		return parted{}, m.c.Unsubscribe(ctx, client.ChannelTopic(channel))
	})
}

func (m *Model) publishCmd(channel, text string) tea.Cmd {
	me := m.st.me
	return m.request(func(ctx context.Context) (any, error) {
		ack, err := m.c.Publish(ctx, me, channel, text)
		msg := client.Message{ID: ack.ID, Topic: channel, Channel: channel, User: me, Text: text, Time: time.Now(), Clock: ack.Clock}
		return sent{msg: msg, dst: convKey(channelKind, channel)}, err
	})
}

func (m *Model) sendCmd(dst, text string) tea.Cmd {
	me := m.st.me
	return m.request(func(ctx context.Context) (any, error) {
		ack, err := m.c.Send(ctx, me, dst, text)
		msg := client.Message{ID: ack.ID, Topic: dst, User: me, Dst: dst, Text: text, Time: time.Now(), Clock: ack.Clock, Private: true}
		return sent{msg: msg, dst: convKey(privateKind, dst)}, err
	})
}

// historyCmd loads the newest limit messages of a conversation, or with
// before the limit messages before that id; announce reports the outcome.
func (m *Model) historyCmd(c *conv, limit int, before string, announce bool) tea.Cmd {
	q := zchat.HistoryQuery{Limit: limit, Before: before}
	if c.kind == channelKind {
		q.Channel = c.name
	} else {
		q.User, q.Peer = m.st.me, c.name
	}
	key := c.key()
	return m.request(func(ctx context.Context) (any, error) {
		msgs, err := m.c.History(ctx, q)
		return loaded{key: key, msgs: msgs, older: before != "", limit: limit, announce: announce}, err
	})
}

// listen waits for live messages and hands over what has queued up, in
// one batch, so that a busy channel costs one update per batch.
func listen(ch <-chan client.Message) tea.Cmd {
	return func() tea.Msg {
		first, ok := <-ch
		if !ok {
			return closedMsg{}
		}
		batch := []client.Message{first}
		for len(batch) < 512 {
			select {
			case m, ok := <-ch:
				if !ok {
					return incomingMsg{batch}
				}
				batch = append(batch, m)
			default:
				return incomingMsg{batch}
			}
		}
		return incomingMsg{batch}
	}
}

func refreshAfter(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return refreshMsg{} })
}
