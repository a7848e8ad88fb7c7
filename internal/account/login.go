package account

import (
	"context"
	"errors"
	"fmt"
	"os"

	"zchat/internal/auth"
	"zchat/internal/client"
	"zchat/internal/credential"
)

// Keys is where users' keys are and how their passphrase is asked.
type Keys struct {
	Dir string // the key directory (credential.DefaultDir)
	// Ask gives the passphrase of name's key file, asked only for a sealed
	// file or a new one (creating: the passphrase that will seal it; ""
	// leaves it unsealed). nil: no passphrase.
	Ask func(name string, creating bool) (string, error)
}

// Load is name's key when it has a file, ok false when not.
func (k Keys) Load(name string) (key auth.Key, ok bool, err error) {
	key, err = credential.Load(k.Dir, name, k.passphrase(name, false))
	if errors.Is(err, credential.ErrNoKey) {
		return auth.Key{}, false, nil
	}
	return key, err == nil, err
}

// LoadOrCreate is name's key, created (and saved) on first use.
func (k Keys) LoadOrCreate(name string) (key auth.Key, created bool, err error) {
	if k.Dir == "" {
		return auth.Key{}, false, errors.New("no key directory")
	}
	_, statErr := os.Stat(k.Path(name))
	return credential.LoadOrCreate(k.Dir, name, k.passphrase(name, errors.Is(statErr, os.ErrNotExist)))
}

func (k Keys) passphrase(name string, creating bool) credential.Passphrase {
	if k.Ask == nil {
		return nil
	}
	return func() (string, error) { return k.Ask(name, creating) }
}

// Path is the file of name's key.
func (k Keys) Path(name string) string { return credential.Path(k.Dir, name) }

// Login is what a login did.
type Login struct {
	User       string `json:"user"`
	Claimed    bool   `json:"claimed,omitempty"`     // the cluster bound the name to the key now
	KeyCreated bool   `json:"key_created,omitempty"` // the key was made now
	KeyFile    string `json:"key_file,omitempty"`    // the key's file (secure mode)
}

// Notice tells the user what became of the name and its key; "" when
// nothing new happened.
func (l Login) Notice() string {
	switch {
	case l.Claimed && l.KeyCreated:
		return fmt.Sprintf("created a key for '%s' in %s: it now owns the name; copy this file to use '%s' elsewhere", l.User, l.KeyFile, l.User)
	case l.Claimed:
		return fmt.Sprintf("'%s' is now claimed by the key in %s: copy this file to use '%s' elsewhere", l.User, l.KeyFile, l.User)
	case l.KeyCreated:
		return fmt.Sprintf("created a key for '%s' in %s", l.User, l.KeyFile)
	}
	return ""
}

// LogIn logs in as user. In secure mode it first makes cl act with user's
// key (loaded, or created on first use): an unclaimed name is then claimed
// for it, and a name claimed by another key refused. A key created for a
// login the cluster refused owns nothing and is removed again.
func LogIn(ctx context.Context, cl *client.Client, keys Keys, user string) (Login, error) {
	l := Login{User: user}
	if !cl.Secure() {
		return l, cl.Login(ctx, user)
	}
	if user == "" {
		return l, errors.New("empty user name")
	}
	key, created, err := keys.LoadOrCreate(user)
	if err != nil {
		return l, fmt.Errorf("the key of '%s': %w", user, err)
	}
	l.KeyCreated, l.KeyFile = created, keys.Path(user)
	if err := cl.SetKey(ctx, key); err != nil {
		return l, err
	}
	l.Claimed, err = cl.LoginClaim(ctx, user)
	var refused *client.ReplyError
	if created && errors.As(err, &refused) {
		_ = os.Remove(l.KeyFile)
		l.KeyCreated, l.KeyFile = false, ""
	}
	return l, err
}
