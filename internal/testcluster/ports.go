package testcluster

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

// freePort returns a currently free loopback TCP port outside the
// standard 5555-5559 range (which a developer's `zchat up` may be using).
func freePort(t testing.TB) int {
	t.Helper()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if port < 5555 || port > 5559 {
			return port
		}
	}
}

func endpoint(port int) string { return fmt.Sprintf("tcp://127.0.0.1:%d", port) }

// hostPort turns tcp://host:port into host:port.
func hostPort(ep string) string { return strings.TrimPrefix(ep, "tcp://") }
