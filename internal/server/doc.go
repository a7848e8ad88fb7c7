// Package server owns one chat server replica: it takes client requests from
// the broker, checks and stores them through the store, answers every request
// exactly once, and publishes accepted posts and private messages through the
// proxy. The request logic (Handler) is socket-free; the sockets live in
// frontend.go and publisher.go, each owned by a single goroutine.
package server
