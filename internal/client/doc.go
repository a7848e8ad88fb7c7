// Package client is the library every zchat program (the one-shot
// commands, tail, the interactive client, the bots) uses to talk to a
// cluster: requests through the broker with the lazy-pirate reliable-request
// pattern, publications from the proxy with exact-topic filtering, and a
// Session that resumes subscriptions losslessly from history.
//
// Concurrency: libzmq sockets are not thread-safe, so each socket is owned by
// exactly one goroutine. The REQ socket belongs to the requester goroutine,
// the SUB socket (and its monitor) to the subscriber goroutine; public
// methods hand work to them through channels and are safe for concurrent
// use.
//
// Leniency: other implementations of the protocol answer in slightly
// different shapes. The envelope (encoding, clock, timestamp) is read by
// package wire; everything else the client tolerates is listed in
// variants.go and nowhere else.
package client
