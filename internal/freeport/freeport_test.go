package freeport

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
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
		if p >= standardLow && p <= standardHigh {
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

// TestClaimsExcludeOtherProcesses runs this test binary again as a child
// that claims ports and prints them; none of them may be one this process
// holds.
func TestClaimsExcludeOtherProcesses(t *testing.T) {
	if os.Getenv("FREEPORT_CHILD") != "" {
		for range 300 {
			p, err := Port()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Println("port", p)
		}
		return
	}
	mine := map[int]bool{}
	for range 3000 {
		p, err := Port()
		if err != nil {
			t.Fatal(err)
		}
		mine[p] = true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestClaimsExcludeOtherProcesses$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FREEPORT_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var got int
	for _, line := range strings.Split(string(out), "\n") {
		var p int
		if _, err := fmt.Sscanf(line, "port %d", &p); err != nil {
			continue
		}
		got++
		if mine[p] {
			t.Fatalf("child was given port %d, which this process holds", p)
		}
	}
	if got != 300 {
		t.Fatalf("child printed %d ports, want 300:\n%s", got, out)
	}
}

func TestBlockIsConsecutiveFreeAndOutsideReservedRanges(t *testing.T) {
	seen := map[int]bool{}
	for range 20 {
		base, err := Block(16)
		if err != nil {
			t.Fatal(err)
		}
		for p := base; p < base+16; p++ {
			if p >= 5555 && p <= 5559 || p >= ephemeralLow() || seen[p] {
				t.Fatalf("block at %d gives port %d: reserved, ephemeral or given twice", base, p)
			}
			if !free(p) {
				t.Fatalf("port %d of the block at %d is not free", p, base)
			}
			seen[p] = true
		}
		if p, _ := Port(); p >= base && p < base+16 {
			t.Fatalf("Port gave %d, inside the block at %d", p, base)
		}
	}
}
