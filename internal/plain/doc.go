// Package plain is the line-oriented interactive client, the numbered menu
// of the original assignment: it asks for a user name and logs in
// (following the user's own inbox), then loops over 1 list users, 2 list
// channels, 3 create channel, 4 subscribe to a channel, 5 private message,
// 6 publish, 7 exit, while incoming messages are printed as they arrive.
//
// It reads lines, so it is scriptable: with standard input a pipe, end of
// input exits cleanly. It talks to the cluster through the Client
// interface, so that it is tested without sockets.
package plain
