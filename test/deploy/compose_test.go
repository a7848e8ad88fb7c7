package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"zchat/internal/testcluster"
)

// service is the part of a compose service the checks read.
type service struct {
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	Restart     string            `yaml:"restart"`
	StdinOpen   bool              `yaml:"stdin_open"`
	Tty         bool              `yaml:"tty"`
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Deploy      struct {
		Replicas int `yaml:"replicas"`
	} `yaml:"deploy"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Secrets []string `yaml:"secrets"`
}

type composeFile struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
	Secrets  map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
}

// standard is the topology of the original: service names, replicas, and
// the ports each binds (with the authenticated client ports, 5560 and
// 5561).
var standard = map[string]struct {
	replicas int
	binds    map[string]string // ZCHAT_ variable -> endpoint
}{
	"reference": {1, map[string]string{"ZCHAT_BIND": "tcp://*:5559"}},
	"broker":    {1, map[string]string{"ZCHAT_FRONTEND": "tcp://*:5555", "ZCHAT_BACKEND": "tcp://*:5556", "ZCHAT_SECURE_FRONTEND": "tcp://*:5560"}},
	"proxy":     {1, map[string]string{"ZCHAT_XSUB": "tcp://*:5557", "ZCHAT_XPUB": "tcp://*:5558", "ZCHAT_SECURE_XPUB": "tcp://*:5561"}},
	"server":    {3, nil},
	"bot":       {2, nil},
	"client":    {1, nil},
}

// connects says which endpoint each dependent must dial.
var connects = map[string]map[string]string{
	"server": {"ZCHAT_BROKER": "tcp://broker:5556", "ZCHAT_PROXY": "tcp://proxy:5557",
		"ZCHAT_PROXY_SUB": "tcp://proxy:5558", "ZCHAT_REFERENCE": "tcp://reference:5559"},
	"bot":    {"ZCHAT_BROKER": "tcp://broker:5555", "ZCHAT_PROXY": "tcp://proxy:5558"},
	"client": {"ZCHAT_BROKER": "tcp://broker:5555", "ZCHAT_PROXY": "tcp://proxy:5558"},
}

func repoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	if err := yaml.Unmarshal(repoFile(t, "docker-compose.yml"), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	var names []string
	for name := range c.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"bot", "broker", "client", "proxy", "reference", "server"}; !slices.Equal(names, want) {
		t.Fatalf("services %v, want the standard %v", names, want)
	}
	for name, std := range standard {
		s := c.Services[name]
		if got := max(s.Deploy.Replicas, 1); got != std.replicas {
			t.Errorf("%s: %d replicas, want %d", name, got, std.replicas)
		}
		if s.Image == "" || s.Build == nil {
			t.Errorf("%s: want both image and build (one image for every component)", name)
		}
		if s.Restart == "" {
			t.Errorf("%s: no restart policy", name)
		}
	}
	if cl := c.Services["client"]; !cl.StdinOpen || !cl.Tty {
		t.Error("client: want stdin_open and tty for the interactive client")
	}
}

// TestComposePorts checks the standard ports: what each service binds, what
// it publishes, and that every tcp://service:port a component dials is
// bound by that service.
func TestComposePorts(t *testing.T) {
	c := loadCompose(t)
	bound := map[string]bool{} // "service:port"
	for name, std := range standard {
		s := c.Services[name]
		for key, want := range std.binds {
			if got := s.Environment[key]; got != want {
				t.Errorf("%s: %s=%q, want %q", name, key, got, want)
			}
			port := want[strings.LastIndex(want, ":")+1:]
			bound[name+":"+port] = true
			if !slices.Contains(s.Ports, port+":"+port) {
				t.Errorf("%s: port %s not published (ports %v)", name, port, s.Ports)
			}
		}
	}
	for name, want := range connects {
		for key, ep := range want {
			if got := c.Services[name].Environment[key]; got != ep {
				t.Errorf("%s: %s=%q, want %q", name, key, got, ep)
			}
		}
	}
	dial := regexp.MustCompile(`^tcp://([a-z0-9-]+):(\d+)$`)
	for name, s := range c.Services {
		for key, v := range s.Environment {
			if m := dial.FindStringSubmatch(v); m != nil && !bound[m[1]+":"+m[2]] {
				t.Errorf("%s: %s=%s dials a port that service %q does not bind", name, key, v, m[1])
			}
		}
	}
}

// TestComposeAgainstBinary runs `zchat <command> --help` for every
// service and health check: the command must exist, and every flag and
// ZCHAT_* variable the compose file sets must be one it reads.
func TestComposeAgainstBinary(t *testing.T) {
	c := loadCompose(t)
	bin := testcluster.Binary(t)
	for name, s := range c.Services {
		if len(s.Command) == 0 {
			t.Errorf("%s: no command (the image's entrypoint is zchat; the command is its subcommand)", name)
			continue
		}
		checkCommand(t, bin, name, s.Command, s.Environment)
		if s.Healthcheck != nil {
			test := s.Healthcheck.Test
			if len(test) < 3 || test[0] != "CMD" || test[1] != "zchat" {
				t.Errorf("%s: health check %v, want [CMD zchat ...]", name, test)
				continue
			}
			checkCommand(t, bin, name+" health check", test[2:], s.Environment)
		}
	}
}

var (
	flagRE  = regexp.MustCompile(`--([a-z0-9][a-z0-9-]*)`)
	envarRE = regexp.MustCompile(`\$(ZCHAT_[A-Z0-9_]+)`)
)

// checkCommand checks args (subcommand and flags) and the service's
// variables against `--help`. A health check shares the component's
// environment, of which it reads only ZCHAT_METRICS.
func checkCommand(t *testing.T, bin, who string, args []string, env map[string]string) {
	t.Helper()
	help := helpOf(t, bin, args[0])
	if help == "" {
		t.Errorf("%s: `zchat %s` is not a zchat subcommand", who, args[0])
		return
	}
	flags, envars := set(flagRE, help), set(envarRE, help)
	for _, a := range args[1:] {
		if f := flagRE.FindStringSubmatch(a); f != nil && strings.HasPrefix(a, "--") && !flags[f[1]] {
			t.Errorf("%s: zchat %s has no flag --%s", who, args[0], f[1])
		}
	}
	if strings.HasSuffix(who, "health check") {
		// It finds the component through the component's own ZCHAT_METRICS.
		if !envars["ZCHAT_METRICS"] || env["ZCHAT_METRICS"] == "" {
			t.Errorf("%s: zchat %s should read ZCHAT_METRICS and the service set it", who, args[0])
		}
		return
	}
	for key := range env {
		if !envars[key] {
			t.Errorf("%s: zchat %s reads no variable %s", who, args[0], key)
		}
	}
}

var (
	helpMu    sync.Mutex
	helpCache = map[string]string{}
)

// helpOf is the --help text of a subcommand, "" if it does not exist.
func helpOf(t *testing.T, bin, sub string) string {
	t.Helper()
	helpMu.Lock()
	defer helpMu.Unlock()
	if h, ok := helpCache[sub]; ok {
		return h
	}
	cmd := exec.Command(bin, sub, "--help")
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "ZCHAT_") })
	out, err := cmd.CombinedOutput()
	h := string(out)
	if err != nil || !strings.Contains(h, "Usage: zchat "+sub) {
		h = ""
	}
	helpCache[sub] = h
	return h
}

func set(re *regexp.Regexp, s string) map[string]bool {
	out := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out[m[1]] = true
	}
	return out
}

// TestComposeClusterKey checks that the members (and only they) get the
// cluster key: the secret mounted read-only at /run/secrets and
// ZCHAT_CLUSTER_KEY naming it; bots and clients, which use the open
// ports, do not.
func TestComposeClusterKey(t *testing.T) {
	c := loadCompose(t)
	if f := c.Secrets["cluster_key"].File; f != "./secrets/cluster.key" {
		t.Fatalf("secret cluster_key from %q, want ./secrets/cluster.key (what the comments tell to generate)", f)
	}
	for name, s := range c.Services {
		member := slices.Contains([]string{"reference", "broker", "proxy", "server"}, name)
		hasSecret := slices.Contains(s.Secrets, "cluster_key")
		key := s.Environment["ZCHAT_CLUSTER_KEY"]
		switch {
		case member && (!hasSecret || key != "/run/secrets/cluster_key"):
			t.Errorf("%s: a member needs secret cluster_key and ZCHAT_CLUSTER_KEY=/run/secrets/cluster_key (has %v, %q)", name, s.Secrets, key)
		case !member && (hasSecret || key != ""):
			t.Errorf("%s: not a member, must not get the cluster key", name)
		}
		if _, insecure := s.Environment["ZCHAT_INSECURE_CLUSTER"]; insecure {
			t.Errorf("%s: the compose file must not run the member links open", name)
		}
	}
}
