// Package cluster supervises child processes for `zchat up` and for tests:
// it starts a child in its own process group (so that signals reach the
// child's children too, and the terminal's Ctrl-C reaches only the parent),
// prefixes every output line with the child's name, stops children with
// SIGTERM then SIGKILL, and, in a Supervisor, restarts children that die
// unexpectedly after a growing backoff.
package cluster
