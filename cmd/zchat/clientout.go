package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"zchat/internal/client"
	"zchat/internal/termtext"
)

// ClientFlags are the connection and output flags of the client commands.
type ClientFlags struct {
	Broker  string        `help:"Broker frontend (REQ)." default:"tcp://127.0.0.1:5555"`
	Proxy   string        `help:"Proxy XPUB endpoint (SUB)." default:"tcp://127.0.0.1:5558"`
	Timeout time.Duration `help:"How long to wait for one reply before retrying." default:"2s"`
	Retries int           `help:"Retries on a fresh socket when no reply comes." default:"3"`
	JSON    bool          `name:"json" help:"Machine output: one JSON object per command (per message for tail)."`

	stdout io.Writer // os.Stdout unless a test sets it
}

// dial returns a client for the flags.
func (f *ClientFlags) dial(g *Globals) *client.Client {
	retries := f.Retries
	if retries == 0 {
		retries = -1 // the library reads 0 as its default
	}
	return client.New(client.Config{
		Broker: f.Broker, Proxy: f.Proxy, Timeout: f.Timeout, Retries: retries,
		Logger: g.Logger("client"),
	})
}

func (f *ClientFlags) out() io.Writer {
	if f.stdout == nil {
		return os.Stdout
	}
	return f.stdout
}

// with runs one request and prints its outcome: human text, or the JSON
// object; a failure prints {"error": ...} with --json, and is returned.
func (f *ClientFlags) with(g *Globals, do func(*client.Client) (obj any, human string, err error)) error {
	cl := f.dial(g)
	defer cl.Close()
	obj, human, err := do(cl)
	if err != nil {
		if f.JSON {
			_ = f.printJSON(errorObject(err))
		}
		return err
	}
	if f.JSON {
		return f.printJSON(obj)
	}
	if human != "" {
		_, err = fmt.Fprintln(f.out(), cleanLines(human))
	}
	return err
}

// cleanLines makes human output terminal-safe line by line: names and
// messages come from the network (see termtext).
func cleanLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = termtext.Clean(l)
	}
	return strings.Join(lines, "\n")
}

func (f *ClientFlags) printJSON(v any) error {
	return json.NewEncoder(f.out()).Encode(v)
}

// jsonOK is the JSON object of a command whose success has no other data.
type jsonOK map[string]any

func (j jsonOK) MarshalJSON() ([]byte, error) {
	m := map[string]any{"status": "ok"}
	for k, v := range j {
		m[k] = v
	}
	return json.Marshal(m)
}

func errorObject(err error) map[string]any {
	obj := map[string]any{"status": "error", "error": err.Error()}
	var re *client.ReplyError
	if errors.As(err, &re) {
		obj["description"], obj["service"], obj["server"] = re.Description, re.Service, re.Server
	}
	return obj
}

func messagesOrEmpty(msgs []client.Message) []client.Message {
	if msgs == nil {
		return []client.Message{}
	}
	return msgs
}

func messageLines(msgs []client.Message) string {
	if len(msgs) == 0 {
		return "(no messages)"
	}
	lines := make([]string, len(msgs))
	for i, m := range msgs {
		lines[i] = m.String()
	}
	return strings.Join(lines, "\n")
}
