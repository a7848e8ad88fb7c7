package plain

import (
	"context"

	"zchat/internal/client"
)

// choose runs one menu option. Failures are printed; the menu goes on.
func (m *menu) choose(ctx context.Context, choice string) {
	switch choice {
	case "":
	case "1":
		users, err := m.c.Users(ctx)
		m.list("users", users, err)
	case "2":
		channels, err := m.c.Channels(ctx)
		m.list("channels", channels, err)
	case "3":
		m.create(ctx)
	case "4":
		m.subscribe(ctx)
	case "5":
		m.private(ctx)
	case "6":
		m.publish(ctx)
	default:
		m.out.printf("unknown option %q\n", choice)
	}
}

func (m *menu) create(ctx context.Context) {
	name, err := m.ask(ctx, "channel name")
	if err != nil {
		return
	}
	if err := m.c.CreateChannelAs(ctx, m.user, name); err != nil {
		m.fail(err)
		return
	}
	m.out.printf("channel %s created\n", name)
}

func (m *menu) subscribe(ctx context.Context) {
	name, err := m.ask(ctx, "channel")
	if err != nil {
		return
	}
	if err := m.c.Subscribe(ctx, client.ChannelTopic(name)); err != nil {
		m.fail(err)
		return
	}
	m.out.printf("subscribed to #%s\n", name)
}

func (m *menu) private(ctx context.Context) {
	dst, text, ok := m.askTwo(ctx, "to")
	if ok {
		ack, err := m.c.Send(ctx, m.user, dst, text)
		m.acked("sent to @"+dst, ack, err)
	}
}

func (m *menu) publish(ctx context.Context) {
	channel, text, ok := m.askTwo(ctx, "channel")
	if ok {
		ack, err := m.c.Publish(ctx, m.user, channel, text)
		m.acked("published to #"+channel, ack, err)
	}
}

// askTwo asks for a destination and then a message.
func (m *menu) askTwo(ctx context.Context, what string) (dst, text string, ok bool) {
	dst, err := m.ask(ctx, what)
	if err == nil {
		text, err = m.ask(ctx, "message")
	}
	return dst, text, err == nil
}
