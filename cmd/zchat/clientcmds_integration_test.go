package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zchat/internal/credential"
	"zchat/internal/testcluster"
)

// isolateKeys gives the test's client commands a key directory and a
// known servers file of their own (ZCHAT_KEYS, ZCHAT_KNOWN_SERVERS), never
// the user's; it returns the key directory.
func isolateKeys(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("ZCHAT_KEYS", filepath.Join(dir, "keys"))
	t.Setenv("ZCHAT_KNOWN_SERVERS", filepath.Join(dir, "known_servers"))
	t.Setenv("ZCHAT_PASSPHRASE", "")
	os.Unsetenv("ZCHAT_PASSPHRASE")
	return filepath.Join(dir, "keys")
}

// clusterArgs reach c: its open ports, and its authenticated ports, which
// are not where the standard layout would put them.
func clusterArgs(c *testcluster.Cluster) []string {
	return []string{"--broker", c.Frontend(), "--proxy", c.XPub(),
		"--secure-broker", c.SecureFrontend(), "--secure-proxy", c.SecureXPub(), "--log-level", "warn"}
}

// zchatRun runs the real binary with args against c and returns stdout.
func zchatRun(t *testing.T, c *testcluster.Cluster, stdin string, args ...string) string {
	t.Helper()
	out, stderr, err := zchatTry(c, stdin, args...)
	if err != nil {
		t.Fatalf("zchat %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, stderr)
	}
	return out
}

// zchatFails runs the binary, expects it to fail, and returns its stderr.
func zchatFails(t *testing.T, c *testcluster.Cluster, args ...string) string {
	t.Helper()
	out, stderr, err := zchatTry(c, "", args...)
	if err == nil {
		t.Fatalf("zchat %s succeeded: %s", strings.Join(args, " "), out)
	}
	return stderr
}

func zchatTry(c *testcluster.Cluster, stdin string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(c.Binary(), append(args, clusterArgs(c)...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	out, err := cmd.Output()
	return string(out), errBuf.String(), err
}

func TestClusterOneShotCommandsAndPlainMenu(t *testing.T) {
	keys := isolateKeys(t)
	c := testcluster.Start(t, testcluster.Options{Servers: 3})
	want := "logged in as ana\ncreated a key for 'ana' in " + credential.Path(keys, "ana") + ": it now owns the name; copy this file to use 'ana' elsewhere\n"
	if out := zchatRun(t, c, "", "login", "ana"); out != want {
		t.Fatalf("login: %q, want %q", out, want)
	}
	zchatRun(t, c, "", "login", "bob", "--json")
	zchatRun(t, c, "", "create", "geral", "--as", "ana")
	post := decodeJSON(t, zchatRun(t, c, "", "post", "geral", "hello", "world", "--as", "ana", "--json"))
	if post["id"] == "" || post["server"] == "" {
		t.Fatalf("post ack %v", post)
	}
	if out := zchatRun(t, c, "", "send", "bob", "psst", "--as", "ana"); !strings.HasPrefix(out, "sent to @bob (id ") {
		t.Fatalf("send: %q", out)
	}
	menu := zchatRun(t, c, "carol\n1\n2\n4\ngeral\n6\ngeral\nfrom carol\n5\nbob\nhi bob\n7\n", "client", "--plain", "--drain", "2s")
	for _, want := range []string{"created a key for 'carol'", "logged in as carol", "  ana\n", "  geral\n", "subscribed to #geral", "published to #geral", "sent to @bob", "#geral <carol> from carol", "bye"} {
		if !strings.Contains(menu, want) {
			t.Errorf("menu output lacks %q:\n%s", want, menu)
		}
	}
	checkClusterListsAndHistory(t, c)
}

func checkClusterListsAndHistory(t *testing.T, c *testcluster.Cluster) {
	if users := decodeJSON(t, zchatRun(t, c, "", "users", "--json")); fmt.Sprint(users["users"]) != "[ana bob carol]" {
		t.Errorf("users: %v", users)
	}
	if out := zchatRun(t, c, "", "channels"); out != "geral\n" {
		t.Errorf("channels: %q", out)
	}
	hist := zchatRun(t, c, "", "history", "geral")
	if !strings.Contains(hist, "#geral <ana> hello world") || !strings.Contains(hist, "#geral <carol> from carol") {
		t.Errorf("history geral:\n%s", hist)
	}
	dms := decodeJSON(t, zchatRun(t, c, "", "history", "@bob", "--json"))
	if s := jsonText(t, dms["messages"]); !strings.Contains(s, `"message":"psst"`) || !strings.Contains(s, `"message":"hi bob"`) {
		t.Errorf("history @bob: %s", s)
	}
}

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not one JSON object: %q: %v", s, err)
	}
	return m
}

func jsonText(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestClusterTail(t *testing.T) {
	isolateKeys(t)
	c := testcluster.Start(t, testcluster.Options{Servers: 1})
	zchatRun(t, c, "", "create", "geral")
	zchatRun(t, c, "", "create", "geral2")
	zchatRun(t, c, "", "post", "geral", "old", "--as", "ana")
	cmd := exec.Command(c.Binary(), append([]string{"tail", "geral", "--json", "--backlog", "1"}, clusterArgs(c)...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(stdout); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	expectLine(t, lines, "old") // the backlog: tail is following geral
	zchatRun(t, c, "", "post", "geral2", "other channel", "--as", "ana")
	zchatRun(t, c, "", "post", "geral", "new", "--as", "ana")
	expectLine(t, lines, "new")
	_ = cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("tail after Ctrl-C: %v", err)
	}
}

func expectLine(t *testing.T, lines <-chan string, text string) {
	t.Helper()
	select {
	case line := <-lines:
		if m := decodeJSON(t, line); m["message"] != text || m["channel"] != "geral" {
			t.Fatalf("tail printed %s, want %q", line, text)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("tail printed nothing for %q", text)
	}
}
