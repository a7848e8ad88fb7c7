// Package zchat holds the domain of the chat system: events, the commands
// that produce them, history queries, the limits on user input and the
// errors every layer shares. Adapters (wire, store, server, ...) live under
// internal/ and depend on this package, never the other way round.
package zchat

import (
	"errors"
	"fmt"
)

// Kind is the type of a state change.
type Kind uint8

// The four state changes the standard asks us to persist, and ours.
const (
	KindLogin   Kind = 1 // User logged in.
	KindChannel Kind = 2 // User (may be empty) created channel Target.
	KindPost    Kind = 3 // User posted Text to channel Target.
	KindPrivate Kind = 4 // User sent Text to user Target.
	// KindClaim binds the user name User to the user key Text (Z85, see
	// ValidKey): from then on only that key acts as User or reads its
	// private messages. The first claim of a name in (Clock, Origin, Seq)
	// order wins on every replica.
	KindClaim Kind = 5
)

func (k Kind) String() string {
	switch k {
	case KindLogin:
		return "login"
	case KindChannel:
		return "channel"
	case KindPost:
		return "post"
	case KindPrivate:
		return "private"
	case KindClaim:
		return "claim"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Event is an immutable, replicated state change. Its identity is
// (Origin, Seq): Origin names the replica incarnation that accepted it and
// Seq counts that origin's events from 1 without gaps; Hash makes the
// sequence a hash chain, so that replicas can tell their logs apart.
type Event struct {
	Origin string
	Seq    uint64
	Clock  uint64  // Lamport clock of the accepting server when accepted.
	Time   float64 // Physical time of acceptance, seconds since the epoch.
	Kind   Kind
	User   string // login: the user; channel: creator; post: author; private: sender; claim: the name.
	Target string // channel name (channel, post) or recipient (private).
	Text   string // post or private message body; claim: the owner's key.
	ReqID  string // client request id, for de-duplicating retries.
	// Hash chains the event onto the previous one of its origin (see
	// ChainHash). The store sets it; zero on an event from a peer that
	// sends none, which the store then computes itself.
	Hash Hash
}

// ID is the stable, cluster-wide identifier of the event.
func (e Event) ID() string { return fmt.Sprintf("%s:%d", e.Origin, e.Seq) }

// Less orders events the same way on every replica: (Clock, Origin, Seq).
func (e Event) Less(o Event) bool {
	if e.Clock != o.Clock {
		return e.Clock < o.Clock
	}
	if e.Origin != o.Origin {
		return e.Origin < o.Origin
	}
	return e.Seq < o.Seq
}

// Command asks the store to accept a new local event. The store checks it
// against the current state in its single writer, so that checks and writes
// never race.
type Command struct {
	Kind   Kind
	User   string
	Target string
	Text   string
	ReqID  string
	Clock  uint64
	Time   float64
}

// Committed is the outcome of a command that the store accepted.
type Committed struct {
	Event     Event
	Duplicate bool // the command repeated an earlier request id: Event is the original.
}

// HistoryQuery selects stored posts or private messages, oldest first.
// Exactly one of Channel or User is set. With User, Peer optionally narrows
// the conversation to the messages between User and Peer. Before and After
// are event IDs used as exclusive paging cursors.
type HistoryQuery struct {
	Channel string
	User    string
	Peer    string
	Limit   int
	Before  string
	After   string
}

// Errors that become "erro" replies with a description for the user.
var (
	ErrChannelExists = errors.New("channel already exists")
	ErrNoSuchChannel = errors.New("channel does not exist")
	ErrNoSuchUser    = errors.New("user does not exist")
	ErrBadCursor     = errors.New("unknown history cursor")
)
