// Package zmqx holds the few ZeroMQ idioms the zchat components share: a
// socket bound with bounded linger, high-water marks and ZMTP heartbeats,
// and a steerable proxy that stops cleanly when a context is cancelled.
// Every socket it creates is owned by exactly one goroutine.
package zmqx
