// Package account is the user's side of claimed names on one device:
// which key acts as which name (a key file per name, made on first use by
// package credential), switching a secure client to that key, and logging
// in, which claims an unclaimed name for the key. It also adapts a client
// and its Session to what the interactive interfaces (tui, plain) use.
package account
