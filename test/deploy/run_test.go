package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zchat/internal/auth"
	"zchat/internal/cluster"
	"zchat/internal/freeport"
	"zchat/internal/testcluster"
)

// TestComposeEnvironmentRuns starts every long-running service of the
// compose file as local processes with the file's own commands and
// environments (replicas included), rewritten only where one host differs
// from a compose network: service names become 127.0.0.1, standard ports
// free ones, the data volumes temporary directories (the server replicas
// share one, as in compose). The three servers must come up under
// distinct slot names, every health check must pass, and SIGTERM must stop
// each component with exit status 0.
func TestComposeEnvironmentRuns(t *testing.T) {
	c := loadCompose(t)
	bin := testcluster.Binary(t)
	h := newHost(t, c)
	var procs []*running
	for _, name := range []string{"reference", "broker", "proxy", "server", "bot"} {
		s := c.Services[name]
		env := h.env(t, name, s.Environment)
		for i := range max(s.Deploy.Replicas, 1) {
			procs = append(procs, h.start(t, bin, fmt.Sprintf("%s-%d", name, i+1), s.Command, env))
		}
		if name == "proxy" {
			time.Sleep(200 * time.Millisecond) // servers find the infrastructure up, as with depends_on
		}
	}
	front := "tcp://127.0.0.1:" + h.ports["5555"]
	waitNames(t, front, "s1", "s2", "s3")
	checkReplicated(t, front)
	for _, p := range procs {
		if p.metrics == "" {
			continue
		}
		cmd := exec.Command(bin, "health")
		cmd.Env = append(cleanEnv(), "ZCHAT_METRICS="+p.metrics)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: zchat health: %v\n%s", p.name, err, out)
		}
	}
	for _, p := range slices.Backward(procs) {
		if err := p.proc.Stop(10 * time.Second); err != nil && !strings.HasPrefix(p.name, "bot") {
			t.Errorf("%s: exit after SIGTERM: %v", p.name, err)
		}
	}
}

// host rewrites compose values for processes on one machine.
type host struct {
	services map[string]bool
	ports    map[string]string // standard port -> free port
	dataDirs map[string]string // service -> directory standing for its volume
	keyFile  string            // stands for the cluster_key secret
}

func newHost(t *testing.T, c composeFile) *host {
	h := &host{services: map[string]bool{}, ports: map[string]string{}, dataDirs: map[string]string{}}
	h.keyFile = filepath.Join(t.TempDir(), "cluster.key")
	if _, err := auth.WriteNewKeyFile(h.keyFile); err != nil {
		t.Fatal(err)
	}
	for name := range c.Services {
		h.services[name] = true
		h.dataDirs[name] = filepath.Join(t.TempDir(), name)
	}
	for p := 5555; p <= 5561; p++ {
		h.ports[fmt.Sprint(p)] = freePort(t)
	}
	return h
}

var endpointRE = regexp.MustCompile(`^tcp://([^:/]+):(\d+)$`)

func (h *host) env(t *testing.T, service string, compose map[string]string) []string {
	t.Helper()
	env := cleanEnv()
	for k, v := range compose {
		switch m := endpointRE.FindStringSubmatch(v); {
		case k == "ZCHAT_METRICS":
			continue // one per process: see start
		case k == "ZCHAT_DATA":
			v = h.dataDirs[service]
		case k == "ZCHAT_CLUSTER_KEY":
			v = h.keyFile
		case m != nil:
			hostPart, port := m[1], m[2]
			if h.services[hostPart] {
				hostPart = "127.0.0.1"
			}
			if free, ok := h.ports[port]; ok {
				port = free
			} else {
				port = "0" // the servers' peer port: any, advertised with the host name
			}
			v = "tcp://" + hostPart + ":" + port
		}
		env = append(env, k+"="+v)
	}
	return env
}

// running is one started process.
type running struct {
	name, metrics string
	proc          *cluster.Proc
}

func (h *host) start(t *testing.T, bin, name string, command, env []string) *running {
	t.Helper()
	r := &running{name: name}
	if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "ZCHAT_PEER_BIND=") }) ||
		slices.Contains([]string{"reference", "broker", "proxy"}, strings.TrimRight(name, "-0123456789")) {
		r.metrics = "127.0.0.1:" + freePort(t)
		env = append(slices.Clone(env), "ZCHAT_METRICS="+r.metrics)
	}
	logPath := filepath.Join(t.TempDir(), name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if r.proc, err = cluster.Start(cluster.Spec{Name: name, Path: bin, Args: command, Env: env}, f); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.proc.Stop(5 * time.Second)
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("==== %s ====\n%s", name, b)
		}
	})
	return r
}

// checkReplicated posts through the broker and waits until every server
// holds the post, which travels between servers only over the peer
// addresses advertised from the host name.
func checkReplicated(t *testing.T, front string) {
	t.Helper()
	// A channel of its own, though the bots may post to it too (they pick
	// any existing channel): the check looks for this post by its id.
	if r, err := testcluster.Ask(front, "channel", map[string]any{"channel": "deploy-check", "user": "ana"}, 5*time.Second); err != nil || r.Data["status"] == "erro" {
		t.Fatalf("channel: %v %v", r.Data, err)
	}
	post := map[string]any{"channel": "deploy-check", "user": "ana", "message": "olá", "request_id": "r1"}
	deadline := time.Now().Add(10 * time.Second)
	var attempts []string
	var id any
	for { // a server that has not received the channel yet refuses the post
		start := time.Now()
		r, err := testcluster.Ask(front, "publish", post, 5*time.Second)
		if err == nil && r.Data["status"] == "OK" {
			id = r.Data["id"]
			break
		}
		attempts = append(attempts, fmt.Sprintf("%v after %v: %v %v", start.Format("15:04:05.000"), time.Since(start).Round(time.Millisecond), r.Data, err))
		if time.Now().After(deadline) {
			t.Fatalf("publish never accepted; attempts:\n%s", strings.Join(attempts, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	holders, last := map[string]bool{}, map[string]string{}
	deadline = time.Now().Add(10 * time.Second)
	for len(holders) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %v hold the post: the others never received it from their peers (does the host name resolve? `getent hosts $(hostname)`); last answers: %v", holders, last)
		}
		r, err := testcluster.Ask(front, "history", map[string]any{"channel": "deploy-check"}, 2*time.Second)
		msgs, _ := r.Data["messages"].([]any)
		if err == nil && holds(msgs, id) {
			holders[fmt.Sprint(r.Data["server"])] = true
		}
		last[fmt.Sprint(r.Data["server"])] = fmt.Sprintf("%d messages, post %v among them: %v, err %v", len(msgs), id, holds(msgs, id), err)
	}
	if len(attempts) > 0 {
		t.Logf("publish attempts before success:\n%s", strings.Join(attempts, "\n"))
	}
}

// holds reports whether a history page contains the message with id.
func holds(msgs []any, id any) bool {
	return slices.ContainsFunc(msgs, func(m any) bool {
		fields, _ := m.(map[string]any)
		return fields["id"] == id
	})
}

// waitNames waits until requests through the broker have been answered by
// servers of every given name.
func waitNames(t *testing.T, front string, names ...string) {
	t.Helper()
	seen := map[string]bool{}
	deadline := time.Now().Add(testcluster.ReadyTimeout)
	for slices.ContainsFunc(names, func(n string) bool { return !seen[n] }) {
		if time.Now().After(deadline) {
			t.Fatalf("servers answering: %v, want %v", seen, names)
		}
		if r, err := testcluster.Ask(front, "users", nil, 500*time.Millisecond); err == nil {
			if s, _ := r.Data["server"].(string); s != "" {
				seen[s] = true
			}
		}
	}
}

func cleanEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "ZCHAT_") })
}

func freePort(t *testing.T) string {
	t.Helper()
	p, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(p)
}
