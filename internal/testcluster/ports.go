package testcluster

import (
	"fmt"
	"strings"
	"testing"

	"zchat/internal/freeport"
)

// freePort returns a currently free loopback TCP port outside the
// standard 5555-5561 range (which a developer's `zchat up` may be using).
func freePort(t testing.TB) int {
	t.Helper()
	p, err := freeport.Port()
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	return p
}

func endpoint(port int) string { return fmt.Sprintf("tcp://127.0.0.1:%d", port) }

// hostPort turns tcp://host:port into host:port.
func hostPort(ep string) string { return strings.TrimPrefix(ep, "tcp://") }
