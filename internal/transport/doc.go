// Package transport owns request/reply over ZeroMQ with many requests in
// flight: a Responder that serves a DEALER or ROUTER socket with one
// goroutine per request, and a Caller that pipelines requests to one peer.
// Every libzmq socket stays in the goroutine that owns it; other goroutines
// reach it through Go channels, and the owner waits in a select on those
// channels and on a zmqx.Watch of its socket, never in a blocking cgo call.
package transport
