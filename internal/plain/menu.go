package plain

import (
	"context"
	"errors"
	"strings"

	"zchat/internal/client"
)

// errEnd is the end of input (or of ctx): the menu exits cleanly.
var errEnd = errors.New("end of input")

const menuText = `
1) list users   2) list channels   3) create channel   4) subscribe to a channel
5) private message   6) publish   7) exit
`

type menu struct {
	c     Client
	lines <-chan string
	out   *lockedWriter
	user  string
}

// run logs in, then serves choices until exit or end of input.
func (m *menu) run(ctx context.Context, user string) error {
	if err := m.login(ctx, user); err != nil {
		return ignoreEnd(err)
	}
	for {
		m.out.printf("%s> ", menuText)
		choice, err := m.ask(ctx, "")
		if err != nil || choice == "7" {
			m.out.printf("bye\n")
			return nil
		}
		m.choose(ctx, choice)
	}
}

func ignoreEnd(err error) error {
	if errors.Is(err, errEnd) {
		return nil
	}
	return err
}

// ask prints prompt and returns the next line, trimmed.
func (m *menu) ask(ctx context.Context, prompt string) (string, error) {
	if prompt != "" {
		m.out.printf("%s: ", prompt)
	}
	select {
	case line, ok := <-m.lines:
		if !ok {
			return "", errEnd
		}
		return strings.TrimSpace(line), nil
	case <-ctx.Done():
		return "", errEnd
	}
}

// login logs in as user, or asks for a name until a login succeeds. It
// follows the user's inbox.
func (m *menu) login(ctx context.Context, user string) error {
	for given := user != ""; ; {
		if !given {
			var err error
			if user, err = m.ask(ctx, "user name"); err != nil {
				return err
			}
		}
		err := m.loginAs(ctx, user)
		if err == nil || given {
			return err
		}
		m.fail(err)
	}
}

func (m *menu) loginAs(ctx context.Context, user string) error {
	if user == "" {
		return errors.New("empty user name")
	}
	notice, err := m.c.Login(ctx, user)
	if err != nil {
		return err
	}
	if notice != "" {
		m.out.printf("%s\n", notice)
	}
	m.user = user
	if err := m.c.Subscribe(ctx, client.UserTopic(user)); err != nil {
		return err
	}
	m.out.printf("logged in as %s\n", user)
	return nil
}
