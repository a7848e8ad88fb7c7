package client

import (
	"context"

	"zchat"
	"zchat/internal/wire"
)

// do sends a request and turns a failure reply into a *ReplyError.
func (c *Client) do(ctx context.Context, service string, data map[string]any) (wire.Message, error) {
	m, err := c.Request(ctx, service, data)
	if err != nil {
		return m, err
	}
	return m, statusError(service, m.Data)
}

// Login registers user (no password in the standard protocol). In secure
// mode it also claims an unclaimed name for the client's key.
func (c *Client) Login(ctx context.Context, user string) error {
	_, err := c.LoginClaim(ctx, user)
	return err
}

// LoginClaim is Login, reporting whether the cluster claimed the name for
// the client's key with this login (reply field "claimed").
func (c *Client) LoginClaim(ctx context.Context, user string) (claimed bool, err error) {
	m, err := c.do(ctx, "login", map[string]any{"user": user})
	if err != nil {
		return false, err
	}
	claimed, _ = m.Data["claimed"].(bool)
	return claimed, nil
}

// Users lists the registered users.
func (c *Client) Users(ctx context.Context) ([]string, error) {
	return c.list(ctx, "users")
}

// Channels lists the channels.
func (c *Client) Channels(ctx context.Context) ([]string, error) {
	return c.list(ctx, "channels")
}

func (c *Client) list(ctx context.Context, service string) ([]string, error) {
	m, err := c.do(ctx, service, nil)
	if err != nil {
		return nil, err
	}
	return replyList(service, m.Data)
}

// CreateChannel creates a channel.
func (c *Client) CreateChannel(ctx context.Context, name string) error {
	return c.CreateChannelAs(ctx, "", name)
}

// CreateChannelAs creates a channel on behalf of user ("" for nobody).
func (c *Client) CreateChannelAs(ctx context.Context, user, name string) error {
	data := map[string]any{"channel": name}
	if user != "" {
		data["user"] = user
	}
	_, err := c.do(ctx, "channel", data)
	return err
}

// Publish posts text to channel as user.
func (c *Client) Publish(ctx context.Context, user, channel, text string) (Ack, error) {
	return c.ack(c.do(ctx, "publish", map[string]any{"user": user, "channel": channel, "message": text}))
}

// Send sends text privately from src to dst.
func (c *Client) Send(ctx context.Context, src, dst, text string) (Ack, error) {
	return c.ack(c.do(ctx, "message", map[string]any{"src": src, "dst": dst, "message": text}))
}

func (c *Client) ack(m wire.Message, err error) (Ack, error) {
	if err != nil {
		return Ack{}, err
	}
	server, _ := wire.AsString(m.Data["server"])
	return Ack{ID: idText(m.Data["id"]), Server: server, Clock: m.Clock}, nil
}

// History returns stored posts or private messages, oldest first.
func (c *Client) History(ctx context.Context, q zchat.HistoryQuery) ([]Message, error) {
	m, err := c.do(ctx, "history", historyData(q))
	if err != nil {
		return nil, err
	}
	return historyMessages(m.Data)
}

func historyData(q zchat.HistoryQuery) map[string]any {
	data := map[string]any{}
	for k, v := range map[string]string{"channel": q.Channel, "user": q.User, "peer": q.Peer, "before": q.Before, "after": q.After} {
		if v != "" {
			data[k] = v
		}
	}
	if q.Limit > 0 {
		data["limit"] = q.Limit
	}
	return data
}
