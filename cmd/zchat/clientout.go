package main

import (
	"context"
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
// By default the client uses the authenticated ports with the user's key
// (see clientconn.go); --open selects the open standard ports.
type ClientFlags struct {
	Broker       string        `help:"Broker frontend, open (the standard port: requests go here with --open; the access key is asked here on first use)." default:"tcp://127.0.0.1:5555"`
	Proxy        string        `help:"Proxy XPUB endpoint, open (SUB connects here with --open)." default:"tcp://127.0.0.1:5558"`
	SecureBroker string        `help:"The broker's authenticated frontend (default: the host of --broker, port + 5)."`
	SecureProxy  string        `help:"The proxy's authenticated XPUB (default: the host of --proxy, port + 3)."`
	ServerKey    string        `help:"Pin the cluster's access public key (Z85), replacing the one known for it; default: the known key, else the one the cluster names on first use (recorded)."`
	Open         bool          `help:"Use the open standard ports without a key: claimed names cannot be used there."`
	Keys         string        `type:"path" help:"Directory of the users' keys (default: zchat/keys in the configuration directory)."`
	KnownServers string        `type:"path" help:"File of the clusters' known access keys (default: zchat/known_servers in the configuration directory)."`
	Passphrase   bool          `env:"ZCHAT_ASK_PASSPHRASE" help:"Ask for the passphrase of the user's key file (a new key file is sealed with it). ZCHAT_PASSPHRASE gives it without asking."`
	Timeout      time.Duration `help:"How long to wait for one reply before retrying." default:"2s"`
	Retries      int           `help:"Retries on a fresh socket when no reply comes." default:"3"`
	JSON         bool          `name:"json" help:"Machine output: one JSON object per command (per message for tail)."`

	stdout  io.Writer                                        // os.Stdout unless a test sets it
	askPass func(name string, creating bool) (string, error) // asks once per name (see passphrase)
	madeKey string                                           // the key file this command made, if any
}

func (f *ClientFlags) out() io.Writer {
	if f.stdout == nil {
		return os.Stdout
	}
	return f.stdout
}

// with runs one request as the user named as (its key; an ephemeral one
// when as is ""; see dialAs) and prints its outcome: human text, or the
// JSON object; a failure prints {"error": ...} with --json, and is
// returned.
func (f *ClientFlags) with(ctx context.Context, g *Globals, as identity, do func(*client.Client) (obj any, human string, err error)) error {
	cl, err := f.dialAs(ctx, g, as)
	if err != nil {
		return f.fail(err)
	}
	defer cl.Close()
	obj, human, err := do(cl)
	if err != nil {
		f.dropMadeKey(err)
		return f.fail(err)
	}
	if f.JSON {
		return f.printJSON(obj)
	}
	if human != "" {
		_, err = fmt.Fprintln(f.out(), cleanLines(human))
	}
	return err
}

// dropMadeKey removes the key this command made when the cluster refused
// the request: only a login claims a name, so the key owns nothing, and
// kept it would shadow the owner's key copied here later (a name claimed
// by another key is the usual refusal).
func (f *ClientFlags) dropMadeKey(err error) {
	var re *client.ReplyError
	if f.madeKey != "" && errors.As(err, &re) {
		_ = os.Remove(f.madeKey)
	}
}

// fail prints err as JSON with --json, and returns it. A cluster that
// does not answer on the authenticated port may have it elsewhere, or
// none (the secure ports are derived from the open ones by default).
func (f *ClientFlags) fail(err error) error {
	if !f.Open && errors.Is(err, client.ErrUnavailable) {
		err = fmt.Errorf("%w (on the authenticated port: --secure-broker names another, --open uses the open ports)", err)
	}
	if f.JSON {
		_ = f.printJSON(errorObject(err))
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
