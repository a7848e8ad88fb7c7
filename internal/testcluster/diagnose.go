package testcluster

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
)

// diagnose tells, for an endpoint that does not answer, which side is
// stuck: whether the kernel accepts connections on the port (and how many
// wait unaccepted), whether the target's ZeroMQ I/O thread greets a new
// connection, and whether a request answers through a fresh ZeroMQ context
// and through this process's default one.
func diagnose(ep string, cluster auth.Cluster) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  listeners: %s\n", listeners(ep))
	fmt.Fprintf(&b, "  ZMTP greeting: %s\n", greeting(ep))
	fmt.Fprintf(&b, "  request through a fresh context: %s\n", askFresh(ep, cluster))
	fmt.Fprintf(&b, "  request through the default context: %s\n", askThrough(zmq.NewSocket, ep, cluster))
	fmt.Fprintf(&b, "  this process's threads: %s\n", threads(os.Getpid()))
	return b.String()
}

func errOrOK(err error) string {
	if err != nil {
		return err.Error()
	}
	return "answered"
}

// greeting connects with plain TCP and waits for the peer's ZMTP signature,
// which libzmq's I/O thread sends as soon as it takes the connection.
func greeting(ep string) string {
	start := time.Now()
	conn, err := net.DialTimeout("tcp", hostPort(ep), time.Second)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f}); err != nil {
		return "write: " + err.Error()
	}
	buf := make([]byte, 10)
	n, err := conn.Read(buf)
	if err != nil {
		return fmt.Sprintf("connected in %v, no greeting: %v", time.Since(start).Round(time.Millisecond), err)
	}
	return fmt.Sprintf("% x after %v", buf[:n], time.Since(start).Round(time.Millisecond))
}

// askFresh sends a request through a ZeroMQ context of its own, which
// shares nothing with the sockets this process used before.
func askFresh(ep string, cluster auth.Cluster) string {
	zctx, err := zmq.NewContext()
	if err != nil {
		return err.Error()
	}
	defer zctx.Term()
	return askThrough(zctx.NewSocket, ep, cluster)
}

// askThrough makes one request on a REQ socket from newSocket and says
// how it went and how long it took.
func askThrough(newSocket func(zmq.Type) (*zmq.Socket, error), ep string, cluster auth.Cluster) string {
	s, err := newSocket(zmq.REQ)
	if err != nil {
		return err.Error()
	}
	defer s.Close()
	start := time.Now()
	_, err = askOn(s, cluster.Client, ep, "users", nil, 2*time.Second)
	return fmt.Sprintf("%s after %v", errOrOK(err), time.Since(start).Round(time.Millisecond))
}

// listeners lists the kernel's TCP sockets on ep's port from /proc/net/tcp:
// state (0A is LISTEN), receive queue (for a listener: connections not yet
// accepted) and owning inode.
func listeners(ep string) string {
	_, portStr, err := net.SplitHostPort(hostPort(ep))
	if err != nil {
		return err.Error()
	}
	port, _ := strconv.Atoi(portStr)
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || !strings.HasSuffix(fields[1], fmt.Sprintf(":%04X", port)) {
			continue
		}
		out = append(out, fmt.Sprintf("[local %s remote %s state %s queues %s inode %s]", fields[1], fields[2], fields[3], fields[4], fields[9]))
	}
	if len(out) == 0 {
		return "none on this port"
	}
	return strings.Join(out, " ")
}

// threads lists a process's threads with their state and the kernel
// function each sleeps in.
func threads(pid int) string {
	dirs, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	var out []string
	for _, d := range dirs {
		comm, _ := os.ReadFile(filepath.Join(d, "comm"))
		wchan, _ := os.ReadFile(filepath.Join(d, "wchan"))
		stat, _ := os.ReadFile(filepath.Join(d, "stat"))
		state := "?"
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) {
			state = string(stat[i+2])
		}
		out = append(out, fmt.Sprintf("%s:%s:%s:%s", filepath.Base(d), strings.TrimSpace(string(comm)), state, wchan))
	}
	return strings.Join(out, " ")
}
