package main

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"zchat/internal/auth"
	"zchat/internal/testcluster"
)

// A member started without its key file stops at once with an error that
// says how to make one; with --insecure-cluster it runs, with a warning.
func TestMissingClusterKeyIsAClearError(t *testing.T) {
	bin := testcluster.Binary(t)
	missing := filepath.Join(t.TempDir(), "cluster.key")
	for _, args := range [][]string{
		{"reference", "--bind", "tcp://127.0.0.1:1", "--data", t.TempDir()},
		{"broker", "--frontend", "tcp://127.0.0.1:1", "--backend", "tcp://127.0.0.1:2"},
		{"proxy", "--xsub", "tcp://127.0.0.1:1", "--xpub", "tcp://127.0.0.1:2"},
		{"server", "--name", "s1", "--data", t.TempDir()},
		{"status"},
	} {
		cmd := exec.Command(bin, append(args, "--cluster-key", missing)...)
		cmd.Env = cleanEnv()
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "zchat keygen --out "+missing) || !strings.Contains(string(out), "--insecure-cluster") {
			t.Errorf("zchat %s without a key: err %v, output:\n%s", args[0], err, out)
		}
	}
}

func TestInsecureClusterWarns(t *testing.T) {
	var logs bytes.Buffer
	flags := ClusterFlags{ClusterKey: filepath.Join(t.TempDir(), "none"), InsecureCluster: true}
	cluster, err := flags.cluster(loggerTo(&logs))
	if err != nil || cluster.Secure() || !strings.Contains(logs.String(), "--insecure-cluster") {
		t.Fatalf("cluster %v, err %v, logs %q", cluster, err, logs.String())
	}
	if got := strings.Join(flags.args(), " "); got != "--insecure-cluster" {
		t.Fatalf("children's flags %q", got)
	}
}

// keygen writes a key members can load, and never replaces one.
func TestKeygen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets", "cluster.key")
	var out bytes.Buffer
	if err := (&KeygenCmd{Out: path, stdout: &out}).Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	k, err := auth.LoadKeyFile(path, nil)
	if err != nil || !strings.Contains(out.String(), k.Public) {
		t.Fatalf("key %v, output %q", err, out.String())
	}
	before, _ := os.ReadFile(path)
	if err := (&KeygenCmd{Out: path, stdout: &out}).Run(t.Context()); err == nil {
		t.Fatal("keygen replaced an existing key")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("the key file changed")
	}
	flags := ClusterFlags{ClusterKey: path}
	if cluster, err := flags.cluster(loggerTo(&out)); err != nil || !cluster.Secure() {
		t.Fatalf("members cannot load the new key: %v", err)
	}
}

// zchat up makes the key on first start and keeps it afterwards.
func TestUpCreatesTheKeyOnce(t *testing.T) {
	up := &UpCmd{Data: t.TempDir()}
	var logs bytes.Buffer
	first, err := up.clusterFlags(loggerTo(&logs))
	if err != nil || first.ClusterKey != filepath.Join(up.Data, "cluster.key") || !strings.Contains(logs.String(), "created the cluster key") {
		t.Fatalf("flags %+v, err %v, logs %q", first, err, logs.String())
	}
	k1, _ := auth.LoadKeyFile(first.ClusterKey, nil)
	if _, err := up.clusterFlags(loggerTo(&logs)); err != nil {
		t.Fatal(err)
	}
	if k2, _ := auth.LoadKeyFile(first.ClusterKey, nil); k2 != k1 {
		t.Fatal("a second start replaced the key")
	}
	insecure, err := (&UpCmd{Data: t.TempDir(), InsecureCluster: true}).clusterFlags(loggerTo(&logs))
	if err != nil || strings.Join(insecure.args(), " ") != "--insecure-cluster" {
		t.Fatalf("insecure up: %+v %v", insecure, err)
	}
}

func loggerTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// cleanEnv is ours without ZCHAT_* variables, which would change flags.
func cleanEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "ZCHAT_") })
}

// zchat status is a member: with the cluster's key it surveys the
// servers; with another cluster's key the reference does not answer it.
func TestStatusNeedsTheClusterKey(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1, LogLevel: "info"})
	status := func(key string) (string, error) {
		cmd := exec.Command(c.Binary(), "status", "--reference", c.Reference(), "--cluster-key", key, "--json", "--timeout", "2s")
		cmd.Env = cleanEnv()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := status(c.ClusterKeyFile())
	if err != nil || !strings.Contains(out, `"server": "s1"`) {
		t.Fatalf("status with the cluster key: %v\n%s", err, out)
	}
	other := filepath.Join(t.TempDir(), "other.key")
	if _, err := auth.WriteNewKeyFile(other); err != nil {
		t.Fatal(err)
	}
	if out, err := status(other); err == nil || !strings.Contains(out, "no reply") {
		t.Fatalf("status with another key: %v\n%s", err, out)
	}
}
