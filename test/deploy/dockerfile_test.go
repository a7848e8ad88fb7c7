package deploy_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDockerfile checks the image recipe: a cgo build on the Go of go.mod
// with libzmq's headers, a slim runtime with libzmq only, a non-root user,
// data under a volume, zchat as the entrypoint.
func TestDockerfile(t *testing.T) {
	df := string(repoFile(t, "Dockerfile"))
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(repoFile(t, "go.mod")))
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	for _, want := range []string{
		"FROM golang:" + goVersion[1] + "-bookworm AS build", "libzmq3-dev", "CGO_ENABLED=1",
		"FROM debian:bookworm-slim", "libzmq5", "USER zchat", "VOLUME /data", `ENTRYPOINT ["zchat"]`,
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if strings.Contains(df, "USER root") || strings.Count(df, "\nUSER ") != 1 {
		t.Error("Dockerfile: want exactly one USER, not root")
	}
	ignore := string(repoFile(t, ".dockerignore"))
	for _, want := range []string{".git", "data/"} {
		if !strings.Contains(ignore, want) {
			t.Errorf(".dockerignore lacks %q", want)
		}
	}
}

// TestComposeServerIdentity checks what gives replicas distinct, stable
// names and their own data: a named volume at ZCHAT_DATA with at least one
// slot per replica, and a wildcard peer bind whose advertised address is
// derived from the container's hostname (no fixed ZCHAT_ADVERTISE).
func TestComposeServerIdentity(t *testing.T) {
	c := loadCompose(t)
	s := c.Services["server"]
	env := s.Environment
	if env["ZCHAT_NAME"] != "" || env["ZCHAT_ADVERTISE"] != "" {
		t.Error("server: a fixed ZCHAT_NAME or ZCHAT_ADVERTISE would be shared by every replica")
	}
	if !strings.HasPrefix(env["ZCHAT_PEER_BIND"], "tcp://*:") {
		t.Errorf("server: ZCHAT_PEER_BIND=%q, want a wildcard host (advertised as the hostname)", env["ZCHAT_PEER_BIND"])
	}
	slots, err := strconv.Atoi(env["ZCHAT_DATA_SLOTS"])
	if err != nil || slots < s.Deploy.Replicas {
		t.Errorf("server: ZCHAT_DATA_SLOTS=%q, want at least the %d replicas", env["ZCHAT_DATA_SLOTS"], s.Deploy.Replicas)
	}
	checkVolume(t, c, "server", env["ZCHAT_DATA"])
	checkVolume(t, c, "reference", c.Services["reference"].Environment["ZCHAT_DATA"])
}

func checkVolume(t *testing.T, c composeFile, name, dataDir string) {
	t.Helper()
	for _, v := range c.Services[name].Volumes {
		vol, target, _ := strings.Cut(v, ":")
		if target == dataDir {
			if _, ok := c.Volumes[vol]; !ok {
				t.Errorf("%s: volume %q is not declared under volumes", name, vol)
			}
			return
		}
	}
	t.Errorf("%s: no named volume mounted at its data directory %q", name, dataDir)
}
