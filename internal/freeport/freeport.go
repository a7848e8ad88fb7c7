// Package freeport hands out loopback TCP ports for tests and for the
// clusters the benchmark spawns. A port is free when handed out, never one
// of the standard 5555-5561 (a developer's `zchat up` may hold them), never
// handed out twice by one process, and below the kernel's ephemeral range:
// a port from that range (what listening on port 0 gives) can be taken by
// the source port of any outgoing connection between the choice and the
// bind, which made tests fail at random on a busy machine.
//
// Ports are also claimed across processes: test binaries run in parallel
// (go test runs packages side by side) and fault tests restart a killed
// component on its old port, so a port that is free at the moment of the
// check may belong to another process's cluster. A claim is an exclusive
// flock on a file named after the port, held until the process exits (the
// kernel drops it even after kill -9).
package freeport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"sync"
)

// lowest is the bottom of the range ports are drawn from; the top is just
// below the ephemeral range.
const lowest = 20000

// The standard ports: the open ones of the protocol (5555-5559) and the
// authenticated client ports (5560, 5561).
const (
	standardLow  = 5555
	standardHigh = 5561
)

var (
	mu    sync.Mutex
	given = map[int]bool{}
)

// Port returns a free loopback port.
func Port() (int, error) {
	top := ephemeralLow() - 1
	if top-lowest < 1000 {
		return anyPort() // an unusual range: fall back to the kernel's choice
	}
	mu.Lock()
	defer mu.Unlock()
	for range 1000 {
		p := lowest + rng(top-lowest+1)
		if given[p] || !claim(p) {
			continue
		}
		if !free(p) {
			continue // stays claimed: something outside our processes holds it
		}
		given[p] = true
		return p, nil
	}
	return 0, errors.New("freeport: no free port found")
}

// Addr returns a free "127.0.0.1:PORT".
func Addr() (string, error) {
	p, err := Port()
	return fmt.Sprintf("127.0.0.1:%d", p), err
}

// Endpoint returns a free "tcp://127.0.0.1:PORT".
func Endpoint() (string, error) {
	a, err := Addr()
	return "tcp://" + a, err
}

func free(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// ephemeralLow reads the bottom of the kernel's ephemeral port range
// (Linux; 32768 elsewhere or when unreadable).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	var low, high int
	if err != nil {
		return 32768
	}
	if _, err := fmt.Sscan(string(b), &low, &high); err != nil || low <= 0 {
		return 32768
	}
	return low
}

// anyPort lets the kernel choose, skipping the standard ports.
func anyPort() (int, error) {
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("freeport: %w", err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if p < standardLow || p > standardHigh {
			return p, nil
		}
	}
	return 0, errors.New("freeport: no free port found")
}

func rng(n int) int { return rand.IntN(n) }
