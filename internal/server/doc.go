// Package server owns one chat server replica: it takes client requests from
// the broker, checks and stores them through the store, answers every request
// exactly once, and publishes accepted posts and private messages through the
// proxy. It also decides who may act as or read a claimed name (authz.go),
// from the caller's key that the broker states in its tag frame (caller.go).
// The request logic (Handler) is socket-free; the sockets live in server.go,
// peerserver.go and publisher.go, each owned by a single goroutine.
package server
