package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zchat"
	"zchat/internal/account"
	"zchat/internal/client"
)

// The one-shot client commands: each sends one request (plus retries) and
// prints the outcome, as tidy lines or, with --json, as one JSON object.

// LoginCmd registers a user name. On the secure ports it logs in with the
// name's key, made on first use, which claims an unclaimed name for it.
type LoginCmd struct {
	ClientFlags
	User string `arg:"" help:"User name."`
}

func (c *LoginCmd) Run(ctx context.Context, g *Globals) error {
	keys, err := c.keys()
	if err != nil {
		return c.fail(err)
	}
	return c.with(ctx, g, identity{}, func(cl *client.Client) (any, string, error) {
		l, err := account.LogIn(ctx, cl, keys, c.User)
		human := "logged in as " + c.User
		if n := l.Notice(); n != "" {
			human += "\n" + n
		}
		return loginObject(l), human, err
	})
}

// loginObject is the JSON of a login: the user, and what became of the
// name and its key when something did.
func loginObject(l account.Login) jsonOK {
	obj := jsonOK{"user": l.User}
	if l.Claimed {
		obj["claimed"] = true
	}
	if l.KeyCreated {
		obj["key_created"] = true
	}
	if l.KeyFile != "" {
		obj["key_file"] = l.KeyFile
	}
	return obj
}

// UsersCmd lists the registered users.
type UsersCmd struct{ ClientFlags }

func (c *UsersCmd) Run(ctx context.Context, g *Globals) error {
	return c.with(ctx, g, identity{}, func(cl *client.Client) (any, string, error) {
		users, err := cl.Users(ctx)
		return map[string]any{"users": orEmpty(users)}, strings.Join(users, "\n"), err
	})
}

// ChannelsCmd lists the channels.
type ChannelsCmd struct{ ClientFlags }

func (c *ChannelsCmd) Run(ctx context.Context, g *Globals) error {
	return c.with(ctx, g, identity{}, func(cl *client.Client) (any, string, error) {
		channels, err := cl.Channels(ctx)
		return map[string]any{"channels": orEmpty(channels)}, strings.Join(channels, "\n"), err
	})
}

// CreateCmd creates a channel.
type CreateCmd struct {
	ClientFlags
	Channel string `arg:"" help:"Channel name."`
	As      string `name:"as" help:"Creating user (with its key, made on first use)."`
}

func (c *CreateCmd) Run(ctx context.Context, g *Globals) error {
	return c.with(ctx, g, as(c.As), func(cl *client.Client) (any, string, error) {
		err := cl.CreateChannelAs(ctx, c.As, c.Channel)
		return jsonOK{"channel": c.Channel}, "channel " + c.Channel + " created", err
	})
}

// PostCmd posts to a channel.
type PostCmd struct {
	ClientFlags
	Channel string   `arg:"" help:"Channel name."`
	Text    []string `arg:"" help:"Message (words are joined with spaces)."`
	As      string   `name:"as" required:"" help:"Posting user (with its key, made on first use)."`
}

func (c *PostCmd) Run(ctx context.Context, g *Globals) error {
	return c.with(ctx, g, as(c.As), func(cl *client.Client) (any, string, error) {
		ack, err := cl.Publish(ctx, c.As, c.Channel, strings.Join(c.Text, " "))
		return ack, ackLine("posted to #"+c.Channel, ack), err
	})
}

// SendCmd sends a private message.
type SendCmd struct {
	ClientFlags
	User string   `arg:"" help:"Recipient."`
	Text []string `arg:"" help:"Message (words are joined with spaces)."`
	As   string   `name:"as" required:"" help:"Sending user (with its key, made on first use)."`
}

func (c *SendCmd) Run(ctx context.Context, g *Globals) error {
	return c.with(ctx, g, as(c.As), func(cl *client.Client) (any, string, error) {
		ack, err := cl.Send(ctx, c.As, c.User, strings.Join(c.Text, " "))
		return ack, ackLine("sent to @"+c.User, ack), err
	})
}

func ackLine(what string, ack client.Ack) string {
	return fmt.Sprintf("%s (id %s, clock %d, server %s)", what, dash(ack.ID), ack.Clock, dash(ack.Server))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// HistoryCmd shows stored messages.
type HistoryCmd struct {
	ClientFlags
	Target string `arg:"" optional:"" help:"CHANNEL, or @USER for private messages (with --as, the conversation between --as and USER)."`
	As     string `name:"as" help:"Whose private messages (when no @USER is given), read with that user's key (made on first use); without it, @USER's key if this device has one."`
	Peer   string `help:"Only the private messages exchanged with this user."`
	Limit  int    `default:"100" help:"At most this many messages (max 1000)."`
	Before string `help:"Only messages before this event id."`
	After  string `help:"Only messages after this event id."`
}

func (c *HistoryCmd) Run(ctx context.Context, g *Globals) error {
	q, err := c.query()
	if err != nil {
		return err
	}
	return c.with(ctx, g, c.identity(), func(cl *client.Client) (any, string, error) {
		msgs, err := cl.History(ctx, q)
		return map[string]any{"messages": messagesOrEmpty(msgs)}, messageLines(msgs), err
	})
}

// identity is --as, else the user of @USER when this device has its key:
// a claimed name's private messages are read with its key only.
func (c *HistoryCmd) identity() identity {
	if c.As != "" {
		return as(c.As)
	}
	user, _ := strings.CutPrefix(c.Target, "@")
	if user == c.Target {
		return identity{}
	}
	return maybe(user)
}

func (c *HistoryCmd) query() (zchat.HistoryQuery, error) {
	q := zchat.HistoryQuery{Peer: c.Peer, Limit: c.Limit, Before: c.Before, After: c.After}
	user, private := strings.CutPrefix(c.Target, "@")
	switch {
	case c.Target != "" && !private:
		q.Channel = c.Target
	case private && c.As != "" && c.As != user:
		q.User, q.Peer = c.As, user
	case private:
		q.User = user
	case c.As != "":
		q.User = c.As
	default:
		return q, errors.New("history: give a CHANNEL, an @USER or --as USER")
	}
	return q, nil
}
