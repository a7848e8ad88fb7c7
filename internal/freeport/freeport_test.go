package freeport

import (
	"net"
	"strconv"
	"testing"
)

func TestPortsAreFreeDistinctAndOutsideReservedRanges(t *testing.T) {
	low := ephemeralLow()
	seen := map[int]bool{}
	for range 200 {
		p, err := Port()
		if err != nil {
			t.Fatal(err)
		}
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
		if p >= 5555 && p <= 5559 {
			t.Fatalf("standard port %d handed out", p)
		}
		if low-1-lowest >= 1000 && (p < lowest || p >= low) {
			t.Fatalf("port %d outside [%d, %d)", p, lowest, low)
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			t.Fatalf("port %d not bindable: %v", p, err)
		}
		l.Close()
	}
}

func TestEndpointShape(t *testing.T) {
	ep, err := Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	host, port, err := net.SplitHostPort(ep[len("tcp://"):])
	if ep[:6] != "tcp://" || err != nil || host != "127.0.0.1" || port == "" {
		t.Fatalf("endpoint %q", ep)
	}
}
