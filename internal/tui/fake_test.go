package tui

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"zchat"
	"zchat/internal/client"
)

// fakeChat is an in-memory cluster behind the Client interface: it stores
// posts and private messages, publishes them to the subscribed topics, and
// answers history. Like a Session, subscribing to a channel first delivers
// its recent posts. Requests wait while hold is set.
type fakeChat struct {
	mu       sync.Mutex
	users    []string
	channels []string
	stored   []client.Message
	subs     map[string]bool // topic names
	out      chan client.Message
	seq      uint64
	clock    atomic.Uint64
	hold     chan struct{} // non-nil: requests wait until it is closed
	refuse   error         // non-nil: posts and private messages fail with it
}

func newFakeChat(channels ...string) *fakeChat {
	return &fakeChat{channels: channels, subs: map[string]bool{}, out: make(chan client.Message, 1024)}
}

func (f *fakeChat) wait(ctx context.Context) error {
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold == nil {
		return nil
	}
	select {
	case <-hold:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Login claims a new name, with a notice, as a secure client does.
func (f *fakeChat) Login(ctx context.Context, user string) (string, error) {
	if err := f.wait(ctx); err != nil {
		return "", err
	}
	if user == "bad name" {
		return "", &client.ReplyError{Service: "login", Description: "invalid user name"}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains(f.users, user) {
		f.users = append(f.users, user)
		return "created a key for '" + user + "': it now owns the name", nil
	}
	return "", nil
}

func (f *fakeChat) Users(ctx context.Context) ([]string, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.users), nil
}

func (f *fakeChat) Channels(ctx context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.channels), nil
}

func (f *fakeChat) CreateChannelAs(ctx context.Context, user, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if slices.Contains(f.channels, name) {
		return &client.ReplyError{Service: "channel", Description: "channel already exists"}
	}
	f.channels = append(f.channels, name)
	return nil
}

func (f *fakeChat) Publish(ctx context.Context, user, channel, text string) (client.Ack, error) {
	return f.store(client.Message{Topic: channel, Channel: channel, User: user, Text: text})
}

func (f *fakeChat) Send(ctx context.Context, src, dst, text string) (client.Ack, error) {
	return f.store(client.Message{Topic: dst, User: src, Dst: dst, Text: text, Private: true})
}

func (f *fakeChat) store(m client.Message) (client.Ack, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse != nil {
		return client.Ack{}, f.refuse
	}
	f.seq++
	m.ID, m.Clock, m.Time = fmt.Sprintf("f:%d", f.seq), f.clock.Add(1), time.Now()
	f.stored = append(f.stored, m)
	if f.subs[m.Topic] {
		f.out <- m
	}
	return client.Ack{ID: m.ID, Clock: f.clock.Add(1)}, nil
}

func (f *fakeChat) History(ctx context.Context, q zchat.HistoryQuery) ([]client.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []client.Message
	for _, m := range f.stored {
		if m.ID == q.Before {
			break
		}
		if q.Channel != "" && m.Channel == q.Channel || q.User != "" && m.Private && inConversation(m, q.User, q.Peer) {
			out = append(out, m)
		}
	}
	return out[max(len(out)-q.Limit, 0):], nil
}

func inConversation(m client.Message, user, peer string) bool {
	return m.User == user && m.Dst == peer || m.User == peer && m.Dst == user
}

// Subscribe follows a topic; for a channel it first delivers the recent
// posts, as a Session with a backlog does.
func (f *fakeChat) Subscribe(ctx context.Context, t client.Topic) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs[t.Name] = true
	if t.Private {
		return nil
	}
	var posts []client.Message
	for _, m := range f.stored {
		if m.Channel == t.Name {
			posts = append(posts, m)
		}
	}
	for _, m := range posts[max(len(posts)-fakeBacklog, 0):] {
		f.out <- m
	}
	return nil
}

// fakeBacklog is how many posts subscribing to a channel delivers first.
const fakeBacklog = 20

func (f *fakeChat) Unsubscribe(ctx context.Context, t client.Topic) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.subs, t.Name)
	return nil
}

func (f *fakeChat) Messages() <-chan client.Message { return f.out }

func (f *fakeChat) Clock() uint64 { return f.clock.Load() }
