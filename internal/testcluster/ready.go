package testcluster

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/wire"
)

// waitReady waits until comp serves, failing the test at the deadline or
// as soon as its process exits.
func (c *Cluster) waitReady(comp *component) {
	c.t.Helper()
	switch {
	case comp.server:
		c.WaitServers(comp.name)
	case comp.name == "reference":
		c.poll(comp.name, []*component{comp}, []string{c.Reference()}, func() error {
			_, err := c.Ask(c.Reference(), "list", nil, 500*time.Millisecond)
			return err
		})
	case comp.name == "broker":
		c.poll("broker ports", []*component{comp}, nil, func() error { return dialable(c.brokerPorts()...) })
		c.WaitServers(c.runningServers()...)
	case comp.name == "proxy":
		c.poll("proxy ports", []*component{comp}, nil, func() error { return dialable(c.proxyPorts()...) })
	}
}

// brokerPorts are the broker's endpoints that listen: the secure frontend
// only with a cluster key.
func (c *Cluster) brokerPorts() []string {
	if c.opts.InsecureCluster {
		return []string{c.Frontend(), c.Backend()}
	}
	return []string{c.Frontend(), c.Backend(), c.SecureFrontend()}
}

// proxyPorts are the proxy's endpoints that listen, likewise.
func (c *Cluster) proxyPorts() []string {
	if c.opts.InsecureCluster {
		return []string{c.XSub(), c.XPub()}
	}
	return []string{c.XSub(), c.XPub(), c.SecureXPub()}
}

// WaitServers waits until requests through the broker have been answered
// by every named server (each reply names its server in data.server).
func (c *Cluster) WaitServers(names ...string) {
	c.t.Helper()
	if len(names) == 0 {
		return
	}
	var watch []*component
	for _, n := range names {
		watch = append(watch, c.get(n))
	}
	seen := map[string]bool{}
	c.poll(fmt.Sprintf("servers %v to answer through the broker", names), watch, []string{c.Frontend()}, func() error {
		reply, err := Ask(c.Frontend(), "users", nil, 500*time.Millisecond)
		if err != nil {
			return err
		}
		if s, _ := reply.OptString("server"); s != "" {
			seen[s] = true
		}
		if slices.ContainsFunc(names, func(n string) bool { return !seen[n] }) {
			return fmt.Errorf("answered so far by %v", slices.Sorted(maps.Keys(seen)))
		}
		return nil
	})
}

// poll checks cond until it returns nil; it fails the test at
// ReadyTimeout with cond's last error and a diagnosis of the endpoints
// probed, or at once when a watched process exits.
func (c *Cluster) poll(what string, watch []*component, probed []string, cond func() error) {
	c.t.Helper()
	deadline := time.Now().Add(ReadyTimeout)
	for err := cond(); err != nil; err = cond() {
		for _, comp := range watch {
			if !comp.running() {
				c.t.Fatalf("testcluster: %s exited while waiting for %s: %v\n%s",
					comp.name, what, comp.proc.Err(), tail(c.Logs(comp.name), 40))
			}
		}
		if time.Now().After(deadline) {
			for _, ep := range probed {
				c.t.Logf("testcluster: diagnosis of %s:\n%s", ep, diagnose(ep, c.clusterFor(ep)))
			}
			c.dumpStacks(watch)
			c.t.Fatalf("testcluster: timed out after %v waiting for %s, last error: %v (process states and goroutine dumps in the logs below)", ReadyTimeout, what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dumpStacks records each watched process's scheduler state and makes it
// print its goroutines (Go's SIGQUIT dump) into its log, so that a
// component that is up but not answering can be diagnosed from CI output.
func (c *Cluster) dumpStacks(watch []*component) {
	for _, comp := range watch {
		state, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", comp.proc.Pid()))
		c.t.Logf("testcluster: %s (pid %d) /proc stat: %s\nthreads (id:name:state:wchan): %s", comp.name, comp.proc.Pid(), strings.TrimSpace(string(state)), threads(comp.proc.Pid()))
		_ = comp.proc.Signal(syscall.SIGQUIT)
	}
	time.Sleep(500 * time.Millisecond) // let the dumps reach the logs
}

// dialable returns the first endpoint that refuses a TCP connection.
func dialable(eps ...string) error {
	for _, ep := range eps {
		conn, err := net.DialTimeout("tcp", hostPort(ep), 200*time.Millisecond)
		if err != nil {
			return err
		}
		conn.Close()
	}
	return nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// ErrNoReply is returned by Ask when no reply comes in time.
var ErrNoReply = errors.New("no reply")

// Ask sends one MessagePack request on a fresh REQ socket to an open
// endpoint (a broker frontend: member endpoints refuse it; see
// Cluster.Ask) and returns the decoded reply (an "erro" reply is not an
// error here). data may be nil.
func Ask(ep, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	return AskWith(auth.Open(), ep, service, data, timeout)
}

// AskWith is Ask as a client of cluster: a member when cluster has a key.
func AskWith(cluster auth.Cluster, ep, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return wire.Message{}, err
	}
	defer s.Close()
	return askOn(s, cluster.Client, ep, service, data, timeout)
}

// AskAs is Ask on an authenticated client port (a broker's secure
// frontend) whose access key has the public half accessPublic, proving
// the user key user.
func AskAs(ep, accessPublic string, user auth.Key, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return wire.Message{}, err
	}
	defer s.Close()
	prove := func(s *zmq.Socket) error { return auth.UserClient(s, user, accessPublic) }
	return askOn(s, prove, ep, service, data, timeout)
}

// askOn makes Ask's request on s, a new REQ socket of any context, after
// secure has set its security options.
func askOn(s *zmq.Socket, secure func(*zmq.Socket) error, ep, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	s.SetLinger(0)
	if err := secure(s); err != nil {
		return wire.Message{}, err
	}
	if err := s.Connect(ep); err != nil {
		return wire.Message{}, err
	}
	if data == nil {
		data = map[string]any{}
	}
	frame, err := wire.Encode(wire.MsgPack, service, data, 1, float64(time.Now().UnixNano())/1e9)
	if err != nil {
		return wire.Message{}, err
	}
	if _, err := s.SendBytes(frame, zmq.DONTWAIT); err != nil {
		return wire.Message{}, err
	}
	poller := zmq.NewPoller()
	poller.Add(s, zmq.POLLIN)
	polled, err := poller.Poll(timeout)
	if err != nil {
		return wire.Message{}, err
	}
	if len(polled) == 0 {
		return wire.Message{}, ErrNoReply
	}
	reply, err := s.RecvBytes(0)
	if err != nil {
		return wire.Message{}, err
	}
	return wire.Decode(reply, 0)
}
