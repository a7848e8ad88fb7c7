package plain

import (
	"context"
	"io"
	"sync"
	"time"

	"zchat/internal/client"
)

// Client is what the menu needs: the requests of a client.Client and the
// subscriptions of a client.Session.
type Client interface {
	// Login logs in as user (with the user's key, on secure ports) and
	// returns a notice for the user, "" when there is nothing to say.
	Login(ctx context.Context, user string) (notice string, err error)
	Users(ctx context.Context) ([]string, error)
	Channels(ctx context.Context) ([]string, error)
	CreateChannelAs(ctx context.Context, user, name string) error
	Publish(ctx context.Context, user, channel, text string) (client.Ack, error)
	Send(ctx context.Context, src, dst, text string) (client.Ack, error)
	Subscribe(ctx context.Context, t client.Topic) error
	Messages() <-chan client.Message
}

// Options tune Run.
type Options struct {
	User  string        // log in as User without asking
	Drain time.Duration // after exiting, keep printing incoming messages this long
}

// Run runs the menu until option 7, the end of in, or ctx ends. It
// returns an error only when the login given in opts.User fails.
func Run(ctx context.Context, c Client, in io.Reader, out io.Writer, opts Options) error {
	m := &menu{c: c, lines: readLines(in), out: &lockedWriter{w: out}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { m.printIncoming(stop) })
	err := m.run(ctx, opts.User)
	if err == nil && opts.Drain > 0 {
		sleep(ctx, opts.Drain)
	}
	close(stop)
	wg.Wait()
	return err
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// readLines feeds the lines of in to a channel, closed at end of input. The
// goroutine may outlive Run while blocked reading a terminal.
func readLines(in io.Reader) <-chan string {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := newScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}
