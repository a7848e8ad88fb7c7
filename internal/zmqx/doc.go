// Package zmqx holds the few ZeroMQ idioms the zchat components share: a
// socket bound with bounded linger, high-water marks, ZMTP heartbeats and
// a frame size cap (secured before it binds); waiting for a socket's
// messages in Go's network poller (Watch for one socket and a select,
// Poller for a loop that owns several); and receiving and sending whole
// multi-part messages without waiting, with a bound on their frames, for
// the forwarding loops of the broker and the proxy. Every socket it
// creates is owned by exactly one goroutine.
package zmqx
