package zchat

import (
	"errors"
	"fmt"
)

// Errors of accounts: claimed names and their private messages. The
// typed errors below match them with errors.Is and carry the names their
// text shows the user.
var (
	ErrClaimed    = errors.New("name is claimed by another key")
	ErrConfusable = errors.New("name is too similar to an existing one")
	ErrPrivate    = errors.New("private messages of a claimed name are readable only with its key")
)

// ClaimedError refuses to act as a name that another key claimed.
type ClaimedError struct {
	Name    string
	Keyless bool // the caller has no key (it came through an open port)
}

func (e ClaimedError) Error() string {
	if e.Keyless {
		return fmt.Sprintf("name '%s' is claimed: log in with its key (zchat login)", e.Name)
	}
	return fmt.Sprintf("name '%s' is claimed by another key", e.Name)
}

// Is makes errors.Is(err, ErrClaimed) true.
func (e ClaimedError) Is(target error) bool { return target == ErrClaimed }

// ConfusableError refuses a new user or channel name that looks like an
// existing one (see NameKey).
type ConfusableError struct {
	What     string // "user" or "channel"
	Name     string // the refused name
	Existing string // the existing name it could be mistaken for
}

func (e ConfusableError) Error() string {
	return fmt.Sprintf("%s name '%s' is too similar to the existing '%s'", e.What, e.Name, e.Existing)
}

// Is makes errors.Is(err, ErrConfusable) true.
func (e ConfusableError) Is(target error) bool { return target == ErrConfusable }

// PrivateError refuses to show the private messages of a claimed name to
// a caller without its key.
type PrivateError struct {
	Name    string
	Keyless bool // the caller has no key (it came through an open port)
}

func (e PrivateError) Error() string {
	if e.Keyless {
		return fmt.Sprintf("the private messages of '%s' are readable only with its key (zchat login)", e.Name)
	}
	return fmt.Sprintf("the private messages of '%s' are readable only with the key that claimed it", e.Name)
}

// Is makes errors.Is(err, ErrPrivate) true.
func (e PrivateError) Is(target error) bool { return target == ErrPrivate }
