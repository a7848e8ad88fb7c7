package tui

import "zchat/internal/client"

// The messages the model receives besides key presses and window sizes.
type (
	// replyMsg is the outcome of one request; body says which (the types
	// below) and carries what the request was about, also on failure.
	replyMsg struct {
		seq  int
		err  error
		body any
	}
	// stalledMsg fires one reply timeout after request seq was sent.
	stalledMsg struct{ seq int }
	// incomingMsg is a batch of live messages from the subscriptions.
	incomingMsg struct{ msgs []client.Message }
	// closedMsg means the subscriptions ended (the client closed).
	closedMsg struct{}
	// refreshMsg asks for fresh user and channel lists.
	refreshMsg struct{}
)

// The bodies of replyMsg.
type (
	loggedIn   struct{ user, notice string }
	subscribed struct{}
	usersList  struct {
		names []string
		show  bool // print them (a /users), not only refresh completion
	}
	channelsList struct {
		names []string
		show  bool
	}
	joined  struct{ channel string }
	created struct{ channel string }
	parted  struct{}
	sent    struct {
		msg client.Message // as acknowledged, for the local copy
		dst string         // where it went: "#channel" or "@user"
	}
	loaded struct {
		key      string // the conversation
		msgs     []client.Message
		older    bool // a page before the buffer (PgUp), not the newest page
		limit    int
		announce bool // asked for with /history: say what came
	}
)
