// Package election owns the choice of the coordinator server: the Bully
// algorithm (the highest rank wins) as a pure state machine, in the style
// of etcd's raft. Messages, membership changes and ticks go in; messages to
// send and the known coordinator come out. It has no goroutines, sockets or
// clock: the server package delivers incoming messages (Step), calls Tick
// on a timer, reports the registry's server list (SetPeers) and a
// coordinator that stopped answering (CoordinatorLost), sends what Ready
// returns, and publishes coordinator announcements on topic "servers".
//
// A Node is not safe for concurrent use; the wiring drives it from one
// goroutine.
package election
