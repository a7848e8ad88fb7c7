// Package client is the library every zchat program (the one-shot
// commands, tail, the interactive client, the bots) uses to talk to a
// cluster: requests through the broker with the lazy-pirate reliable-request
// pattern, publications from the proxy with exact-topic filtering, and a
// Session that resumes subscriptions losslessly from history.
//
// Secure mode (Config.Secure): the REQ and SUB sockets connect to the
// cluster's authenticated ports as CURVE clients with the user's key
// (SetKey changes it), the SUB socket also follows the key's private topic,
// where the private messages of the names the key claimed arrive, and a
// changed access key is reported (ServerKeyError) instead of retried. The
// access key comes from the user, a known servers file, or the cluster on
// first use (ResolveServerKey). Without Secure the client speaks the open
// standard protocol.
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
