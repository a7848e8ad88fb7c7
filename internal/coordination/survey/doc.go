// Package survey asks every server of a running cluster for its status
// (the reference's `list`, then `status` on each server's peer endpoint)
// and sums up what an operator checks first: do all servers agree on one
// coordinator, and how far apart are their clocks. `zchat status` prints
// its Report; the coordination integration tests assert on it. Both the
// reference and the peer endpoints admit members only, so the survey
// holds the cluster key.
package survey
