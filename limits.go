package zchat

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/secure/precis"
)

// Limits bound what a server accepts from clients. Every limit is
// configurable; the defaults fit a chat, not a file transfer.
type Limits struct {
	MaxFrame   int // bytes of one request frame
	MaxName    int // bytes of a user or channel name
	MaxMessage int // bytes of a post or private message
}

// DefaultLimits are the limits used when none are configured.
var DefaultLimits = Limits{MaxFrame: 64 << 10, MaxName: 64, MaxMessage: 4 << 10}

// CheckName reports why name cannot be a user or channel name: names are
// 1..MaxName bytes that the PRECIS UsernameCasePreserved profile (RFC 8265)
// accepts unchanged. The profile refuses whitespace, control characters,
// zero-width and bidi formatting characters, symbols and mixed-direction
// text, so a name is safe as a ZeroMQ topic and in a terminal and cannot
// hide characters; requiring it unchanged (already in NFC, fullwidth
// letters already mapped) keeps one spelling per name, so that the topic a
// client subscribes to is the name the server stores. Confusable pairs
// that the profile allows ("bob" and "Bob", Latin and Cyrillic look-alikes)
// are refused by the store (see NameKey).
func (l Limits) CheckName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s name is empty", what)
	}
	if len(name) > l.MaxName {
		return fmt.Errorf("%s name is longer than %d bytes", what, l.MaxName)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%s name is not valid UTF-8", what)
	}
	canonical, err := precis.UsernameCasePreserved.String(name)
	if err != nil {
		return fmt.Errorf("%s name contains characters not allowed in names (whitespace, control, invisible or formatting characters, symbols, mixed writing directions): %v", what, err)
	}
	if canonical != name {
		return fmt.Errorf("%s name is not in normal form: write it %q", what, canonical)
	}
	return nil
}

// CheckMessage reports why text cannot be a message body.
func (l Limits) CheckMessage(text string) error {
	if text == "" {
		return fmt.Errorf("message is empty")
	}
	if len(text) > l.MaxMessage {
		return fmt.Errorf("message is longer than %d bytes", l.MaxMessage)
	}
	if !utf8.ValidString(text) {
		return fmt.Errorf("message is not valid UTF-8")
	}
	return nil
}
