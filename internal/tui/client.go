package tui

import (
	"context"
	"time"

	"zchat"
	"zchat/internal/client"
)

// Client is what the interface needs from the cluster: the requests of a
// client.Client and the subscriptions of a client.Session (which subscribes
// first, then catches up from history and drops live duplicates).
type Client interface {
	// Login logs in as user (with the user's key, on secure ports) and
	// returns a notice for the user, "" when there is nothing to say.
	Login(ctx context.Context, user string) (notice string, err error)
	Users(ctx context.Context) ([]string, error)
	Channels(ctx context.Context) ([]string, error)
	CreateChannelAs(ctx context.Context, user, name string) error
	Publish(ctx context.Context, user, channel, text string) (client.Ack, error)
	Send(ctx context.Context, src, dst, text string) (client.Ack, error)
	History(ctx context.Context, q zchat.HistoryQuery) ([]client.Message, error)
	Subscribe(ctx context.Context, t client.Topic) error
	Unsubscribe(ctx context.Context, t client.Topic) error
	Messages() <-chan client.Message
	Clock() uint64
}

// Options tune the interface.
type Options struct {
	User     string        // log in as User without asking
	Backlog  int           // stored messages shown when a private conversation opens, and per PgUp page; default 50
	Timeout  time.Duration // the client's wait for one reply: a request pending longer is being retried; default 2s
	Refresh  time.Duration // how often the user and channel lists (for completion) are re-read; default 15s
	Endpoint string        // the broker, shown in the status line
}

func (o Options) withDefaults() Options {
	if o.Backlog <= 0 {
		o.Backlog = 50
	}
	if o.Timeout <= 0 {
		o.Timeout = client.DefaultTimeout
	}
	if o.Refresh <= 0 {
		o.Refresh = 15 * time.Second
	}
	return o
}
