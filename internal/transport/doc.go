// Package transport owns request/reply over ZeroMQ with many requests in
// flight: a Responder that serves a DEALER or ROUTER socket with one
// goroutine per request, and a Caller that pipelines requests to one peer.
// Every libzmq socket stays in the goroutine that owns it; other goroutines
// reach it through a pipe (a Go channel feeding an inproc PUSH/PULL pair),
// which wakes the owner's poll at once instead of on a timer.
package transport
