// Package zmqx holds the few ZeroMQ idioms the zchat components share: a
// socket bound with bounded linger, high-water marks, ZMTP heartbeats and
// a frame size cap; waiting for a socket's messages in Go's network poller
// (Watch for one socket and a select, Poller for a loop that owns several);
// and a steerable proxy that stops cleanly when a context is cancelled.
// Every socket it creates is owned by exactly one goroutine.
package zmqx
