package credential

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func init() { scryptWorkFactor = 10 } // fast tests; the format is the same

func fixed(s string) Passphrase { return func() (string, error) { return s, nil } }

func TestLoadOrCreateKeepsOneKeyPerName(t *testing.T) {
	dir := t.TempDir()
	k1, created, err := LoadOrCreate(dir, "ana", nil)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreate: created=%v err=%v", created, err)
	}
	k2, created, err := LoadOrCreate(dir, "ana", nil)
	if err != nil || created || k2 != k1 {
		t.Fatalf("second LoadOrCreate: %v created=%v err=%v, want the same key %v", k2, created, err, k1)
	}
	other, _, err := LoadOrCreate(dir, "bob", nil)
	if err != nil || other == k1 {
		t.Fatalf("bob's key %v err %v: want a different key", other, err)
	}
	info, err := os.Stat(Path(dir, "ana"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v err %v, want 0600", info.Mode().Perm(), err)
	}
}

func TestSaveRefusesToReplaceAKey(t *testing.T) {
	dir := t.TempDir()
	k, _ := Generate()
	if err := Save(dir, "ana", k, nil); err != nil {
		t.Fatal(err)
	}
	k2, _ := Generate()
	if err := Save(dir, "ana", k2, nil); err == nil {
		t.Fatal("Save replaced an existing key")
	}
	if got, _ := Load(dir, "ana", nil); got != k {
		t.Fatal("the first key was lost")
	}
}

func TestSealedKeyNeedsItsPassphrase(t *testing.T) {
	dir := t.TempDir()
	k, _, err := LoadOrCreate(dir, "ana", fixed("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(Path(dir, "ana"))
	if strings.Contains(string(raw), k.Secret) || !strings.HasPrefix(string(raw), "-----BEGIN AGE") {
		t.Fatal("the secret key is readable in the sealed file")
	}
	for _, wrong := range []Passphrase{nil, fixed(""), fixed("battery staple")} {
		if _, err := Load(dir, "ana", wrong); !errors.Is(err, ErrPassphrase) {
			t.Fatalf("Load with a wrong passphrase: %v, want ErrPassphrase", err)
		}
	}
	got, err := Load(dir, "ana", fixed("correct horse"))
	if err != nil || got != k {
		t.Fatalf("Load with the passphrase: %v %v", got, err)
	}
}

func TestLoadTellsMissingFromDamaged(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir, "nobody", nil); !errors.Is(err, ErrNoKey) {
		t.Fatalf("missing key: %v, want ErrNoKey", err)
	}
	k, _ := Generate()
	other, _ := Generate()
	bad := Key{Public: other.Public, Secret: k.Secret}
	os.WriteFile(Path(dir, "mixed"), marshal(bad), 0o600)
	os.WriteFile(Path(dir, "junk"), []byte("hello\n"), 0o600)
	for _, name := range []string{"mixed", "junk"} {
		if _, err := Load(dir, name, nil); err == nil || errors.Is(err, ErrNoKey) {
			t.Fatalf("%s: %v, want a damaged-file error", name, err)
		}
	}
}

func TestPathEscapesNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a/b", "..", "../x"} {
		p := Path(dir, name)
		if !strings.HasPrefix(p, dir+string(os.PathSeparator)) || strings.Count(p[len(dir)+1:], string(os.PathSeparator)) != 0 {
			t.Errorf("Path(%q) = %q escapes the directory", name, p)
		}
	}
}
