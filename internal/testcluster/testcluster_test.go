package testcluster

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
)

func TestInfrastructureOnly(t *testing.T) {
	c := Start(t, Options{})
	for _, ep := range []string{c.Frontend(), c.Backend(), c.XSub(), c.XPub(), c.Reference(), c.SecureFrontend(), c.SecureXPub()} {
		var port int
		if _, err := fmt.Sscanf(ep, "tcp://127.0.0.1:%d", &port); err != nil || port >= 5555 && port <= 5561 {
			t.Errorf("endpoint %s: want a free non-standard loopback port", ep)
		}
	}
	assertReferenceAnswers(t, c)
	assertPublicationsFlow(t, c)
	assertSecurePublicationsFlow(t, c)

	for _, name := range []string{"reference", "broker", "proxy"} {
		old := c.Pid(name)
		c.Restart(name)
		if c.Pid(name) == old || !c.Running(name) {
			t.Fatalf("%s not restarted", name)
		}
	}
	c.Kill("reference")
	if c.Running("reference") {
		t.Fatal("reference still running after Kill")
	}
	c.Restart("reference")
	assertReferenceAnswers(t, c)

	c.Pause("proxy")
	c.Resume("proxy")
	assertPublicationsFlow(t, c)

	if logs := c.Logs("broker"); strings.Count(logs, "broker running") != 2 {
		t.Fatalf("broker log should show two starts:\n%s", logs)
	}
	if _, err := os.Stat(c.DataDir("reference")); err != nil {
		t.Fatalf("reference data dir: %v", err)
	}
	c.Stop("reference")
	c.Wipe("reference")
	if _, err := os.Stat(c.DataDir("reference")); !os.IsNotExist(err) {
		t.Fatalf("reference data dir after Wipe: %v", err)
	}
}

func assertReferenceAnswers(t *testing.T, c *Cluster) {
	t.Helper()
	reply, err := c.Ask(c.Reference(), "list", nil, 2*time.Second)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	if _, ok := reply.Data["list"]; !ok || reply.Service != "list" {
		t.Fatalf("reference reply %+v", reply)
	}
}

// assertPublicationsFlow publishes through the proxy until a subscriber
// receives.
func assertPublicationsFlow(t *testing.T, c *Cluster) {
	t.Helper()
	pub, _ := zmq.NewSocket(zmq.PUB)
	defer pub.Close()
	sub, _ := zmq.NewSocket(zmq.SUB)
	defer sub.Close()
	pub.SetLinger(0)
	sub.SetLinger(0)
	if err := c.Membership().Client(pub); err != nil {
		t.Fatal(err)
	}
	pub.Connect(c.XSub())
	sub.Connect(c.XPub())
	sub.SetSubscribe("t")
	sub.SetRcvtimeo(50 * time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		pub.SendMessage("t", "x")
		if msg, err := sub.RecvMessage(0); err == nil && len(msg) == 2 && msg[1] == "x" {
			return
		}
	}
	t.Fatal("no publication through the proxy")
}

// assertSecurePublicationsFlow publishes through the proxy until a
// subscriber of the secure XPUB, with a key of its own, receives.
func assertSecurePublicationsFlow(t *testing.T, c *Cluster) {
	t.Helper()
	pub, _ := zmq.NewSocket(zmq.PUB)
	defer pub.Close()
	sub, _ := zmq.NewSocket(zmq.SUB)
	defer sub.Close()
	pub.SetLinger(0)
	sub.SetLinger(0)
	if err := c.Membership().Client(pub); err != nil {
		t.Fatal(err)
	}
	user, _ := auth.GenerateKey()
	if err := auth.UserClient(sub, user, c.AccessKey().Public); err != nil {
		t.Fatal(err)
	}
	pub.Connect(c.XSub())
	sub.Connect(c.SecureXPub())
	sub.SetSubscribe("t")
	sub.SetRcvtimeo(50 * time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		pub.SendMessage("t", "x")
		if msg, err := sub.RecvMessage(0); err == nil && len(msg) == 2 && msg[1] == "x" {
			return
		}
	}
	t.Fatal("no publication through the secure XPUB")
}

// An insecure cluster's member endpoints answer anybody.
func TestInsecureCluster(t *testing.T) {
	c := Start(t, Options{InsecureCluster: true})
	if c.ClusterKeyFile() != "" || c.Membership().Secure() {
		t.Fatal("an insecure cluster has a key")
	}
	if _, err := Ask(c.Reference(), "list", nil, 2*time.Second); err != nil {
		t.Fatalf("reference refused an anonymous client: %v", err)
	}
	assertPublicationsFlow(t, c)
	for _, name := range []string{"broker", "proxy"} {
		if logs := c.Logs(name); !strings.Contains(logs, "--insecure-cluster") || !strings.Contains(logs, "accounts are off") {
			t.Fatalf("no warning in the %s's log:\n%s", name, logs)
		}
	}
	if dialable(c.SecureFrontend()) == nil || dialable(c.SecureXPub()) == nil || c.AccessKey() != (auth.Key{}) {
		t.Fatal("an insecure cluster has authenticated client ports")
	}
}

func TestServers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real servers")
	}
	c := Start(t, Options{Servers: 2})
	if got := strings.Join(c.Servers(), ","); got != "s1,s2" {
		t.Fatalf("servers %s", got)
	}
	c.Kill("s2")
	c.Restart("s2") // waits until s2 answers again

	c.Stop("s1")
	c.Wipe("s1")
	c.StartServer("s1")
	c.StartServer("s3")

	c.Pause("s2")
	c.WaitServers("s1", "s3")
	c.Resume("s2")
	c.WaitServers("s1", "s2", "s3")

	c.Restart("broker") // waits until all running servers answer again

	// Through the secure frontend, as the holder of a key of one's own.
	user, _ := auth.GenerateKey()
	if m, err := c.AskAs(user, "users", nil, 5*time.Second); err != nil || m.Service != "users" {
		t.Fatalf("users through the secure frontend: %+v, %v", m, err)
	}
}
