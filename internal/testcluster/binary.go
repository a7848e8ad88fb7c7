package testcluster

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of the zchat binary built from this checkout,
// building it on first use in this process. The result lives in a
// directory of the system temp dir keyed by checkout and race mode, so
// repeated test runs reuse the same file instead of accumulating copies.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() { buildPath, buildErr = build() })
	if buildErr != nil {
		t.Fatalf("build zchat: %v", buildErr)
	}
	return buildPath
}

func build() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	variant := "norace"
	if raceEnabled {
		variant = "race"
	}
	key := sha256.Sum256([]byte(root + "\x00" + variant))
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("zchat-testcluster-%x-%s", key[:6], variant))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Build into a private directory, then rename: concurrent test
	// processes never see a half-written binary.
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	args := []string{"build", "-o", filepath.Join(tmp, "zchat")}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/zchat")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %v: %w\n%s", args, err, out)
	}
	final := filepath.Join(dir, "zchat")
	if err := os.Rename(filepath.Join(tmp, "zchat"), final); err != nil {
		return "", err
	}
	return final, nil
}

// moduleRoot is the checkout this package was compiled from.
func moduleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the source of testcluster")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("module root not found from %s: %w", file, err)
	}
	return root, nil
}
