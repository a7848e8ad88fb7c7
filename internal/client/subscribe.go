package client

import "context"

// Subscribe starts delivering the publications of topic (a channel or a
// user name) on Messages. It returns once the SUB socket has the
// subscription; the proxy learns it asynchronously. Exactly topic is
// delivered, never another topic it is a prefix of.
func (c *Client) Subscribe(ctx context.Context, topic string) error {
	if err := c.startSubscriber(); err != nil {
		return err
	}
	return c.sub.request(ctx, subOp{topic: topic, on: true})
}

// Unsubscribe stops delivering topic. Messages already queued may follow.
func (c *Client) Unsubscribe(ctx context.Context, topic string) error {
	if err := c.startSubscriber(); err != nil {
		return err
	}
	return c.sub.request(ctx, subOp{topic: topic})
}

// Messages delivers the publications of the subscribed topics in arrival
// order, without de-duplication (see Session for that). It must be drained
// by a goroutine of its own; it is closed by Close.
func (c *Client) Messages() <-chan Message { return c.sub.out }

// Connects receives a value each time the SUB socket completes a handshake
// with the proxy: the first connection and every reconnection, after which
// the publications of the gap are lost unless fetched from history.
// Signals coalesce.
func (c *Client) Connects() <-chan struct{} { return c.sub.connects }
