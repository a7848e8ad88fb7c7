package plain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zchat/internal/client"
)

// fakeClient records calls; user "bad" cannot log in, channel "dup" exists.
type fakeClient struct {
	mu    sync.Mutex
	calls []string
	msgs  chan client.Message
}

func newFake() *fakeClient { return &fakeClient{msgs: make(chan client.Message, 8)} }

func (f *fakeClient) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeClient) Login(_ context.Context, user string) (string, error) {
	f.record("login %s", user)
	switch user {
	case "bad":
		return "", &client.ReplyError{Service: "login", Description: "invalid name"}
	case "new":
		return "created a key for 'new' in /keys/new.key: it now owns the name", nil
	}
	return "", nil
}

func (f *fakeClient) Users(context.Context) ([]string, error) {
	f.record("users")
	return []string{"ana", "bob"}, nil
}

func (f *fakeClient) Channels(context.Context) ([]string, error) {
	f.record("channels")
	return []string{"geral"}, nil
}

func (f *fakeClient) CreateChannelAs(_ context.Context, user, name string) error {
	f.record("create %s by %s", name, user)
	if name == "dup" {
		return errors.New("channel already exists")
	}
	return nil
}

func (f *fakeClient) Publish(_ context.Context, user, channel, text string) (client.Ack, error) {
	f.record("publish %s %s %s", user, channel, text)
	return client.Ack{ID: "s1:1", Clock: 5}, nil
}

func (f *fakeClient) Send(_ context.Context, src, dst, text string) (client.Ack, error) {
	f.record("send %s %s %s", src, dst, text)
	f.msgs <- client.Message{Topic: dst, User: src, Dst: dst, Text: text, Private: true, Clock: 9}
	return client.Ack{ID: "s1:2", Clock: 6}, nil
}

func (f *fakeClient) Subscribe(_ context.Context, t client.Topic) error {
	f.record("subscribe %s", t)
	return nil
}

func (f *fakeClient) Messages() <-chan client.Message { return f.msgs }

func run(t *testing.T, f *fakeClient, input string, opts Options) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(context.Background(), f, strings.NewReader(input), &out, opts)
	return out.String(), err
}

func TestMenuAllOptions(t *testing.T) {
	f := newFake()
	input := "bad\nana\n1\n2\n3\ngeral\n3\ndup\n4\ngeral\n5\nana\n  hi me  \n6\ngeral\nhello all\n9\n\n7\n1\n"
	out, err := run(t, f, input, Options{Drain: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"login bad", "login ana", "subscribe @ana", "users", "channels",
		"create geral by ana", "create dup by ana", "subscribe geral",
		"send ana ana hi me", "publish ana geral hello all",
	}
	if !slices.Equal(f.calls, want) {
		t.Fatalf("calls\n%q\nwant\n%q", f.calls, want)
	}
	for _, s := range []string{
		"error: login: invalid name", "logged in as ana", "users (2):\n  ana\n  bob\n", "channels (1):\n  geral\n",
		"channel geral created", "error: channel already exists", "subscribed to #geral",
		"sent to @ana (id s1:2, clock 6)", "published to #geral (id s1:1, clock 5)",
		`unknown option "9"`, "bye", "@ana <ana> hi me (clock 9)",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestMenuEndOfInput(t *testing.T) {
	cases := []struct{ name, input string }{
		{"before login", ""},
		{"after login", "ana\n"},
		{"in a prompt", "ana\n6\ngeral\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake()
			if _, err := run(t, f, c.input, Options{}); err != nil {
				t.Fatal(err)
			}
			for _, call := range f.calls {
				if strings.HasPrefix(call, "publish") {
					t.Fatalf("published on partial input: %q", f.calls)
				}
			}
		})
	}
}

func TestMenuGivenUser(t *testing.T) {
	f := newFake()
	if _, err := run(t, f, "7\n", Options{User: "ana"}); err != nil || !slices.Equal(f.calls, []string{"login ana", "subscribe @ana"}) {
		t.Fatalf("calls %q, err %v", f.calls, err)
	}
	if _, err := run(t, newFake(), "", Options{User: "bad"}); err == nil {
		t.Fatal("failed login of a given user must be an error")
	}
}

func TestMenuCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	defer w.Close()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, newFake(), r, &bytes.Buffer{}, Options{User: "ana"}) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestPrintfNeutralisesNetworkText(t *testing.T) {
	var b strings.Builder
	w := &lockedWriter{w: &b}
	w.printf("%s (%d):\n  %s\n", "users\x1b[2J", 2, "bob\n[12:00] <alice> hi")
	want := "users (2):\n  bob␊[12:00] <alice> hi\n"
	if b.String() != want {
		t.Fatalf("printed %q, want %q", b.String(), want)
	}
}
