package zchat

import (
	"fmt"
	"unicode"
	"unicode/utf8"
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
// 1..MaxName bytes of valid UTF-8 without whitespace or control characters,
// so they are safe as ZeroMQ topics and in a terminal.
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
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%s name contains whitespace or control characters", what)
		}
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
