package account

import (
	"context"

	"zchat/internal/client"
)

// Interactive is a client and its Session as the interactive interfaces
// (packages tui and plain) use them: the requests of the client, the
// subscriptions of the Session (which catches up from history and drops
// duplicates), and a Login that takes the user's key first.
type Interactive struct {
	*client.Client
	Session *client.Session
	Keys    Keys
}

// Login logs in with user's key (see LogIn) and returns the notice to
// show, "" when there is nothing to say.
func (c Interactive) Login(ctx context.Context, user string) (string, error) {
	l, err := LogIn(ctx, c.Client, c.Keys, user)
	return l.Notice(), err
}

func (c Interactive) Subscribe(ctx context.Context, t client.Topic) error {
	return c.Session.Subscribe(ctx, t)
}

func (c Interactive) Unsubscribe(ctx context.Context, t client.Topic) error {
	return c.Session.Unsubscribe(ctx, t)
}

func (c Interactive) Messages() <-chan client.Message { return c.Session.Messages() }
