// Package tui is zchat's full-screen terminal client, built on Bubble Tea:
// a login prompt, a side pane with the joined channels and the private
// conversations (with unread counts), a message pane with scroll-back
// loaded from history, an input line with IRC-style commands and Tab
// completion, and a status line with the connection state and the last
// error.
//
// The logic is kept out of the terminal: conversations and their unread
// counts (state, conv), command parsing (parse), completion (complete) and
// the connection state (link) are plain types tested directly, and the
// Bubble Tea model only routes key presses and replies to them. Every
// request to the cluster runs as a tea.Cmd through the small Client
// interface, so that tests drive the model with a fake.
package tui
