package credential

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// Passphrase supplies the passphrase of a sealed key file (asked for only
// when one is needed); nil, or an empty answer when creating, means none.
type Passphrase func() (string, error)

// DefaultDir is where keys live: $ZCHAT_KEYS if set, else "zchat/keys"
// under the user's configuration directory (~/.config on Linux).
func DefaultDir() (string, error) {
	if dir := os.Getenv("ZCHAT_KEYS"); dir != "" {
		return dir, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration directory: %w", err)
	}
	return filepath.Join(base, "zchat", "keys"), nil
}

// Path is the file of name's key in dir. Names may hold characters that
// mean something in a path ("/", ".."): they are escaped.
func Path(dir, name string) string {
	return filepath.Join(dir, url.PathEscape(name)+".key")
}

// ErrNoKey is returned by Load when name has no key in the directory.
var ErrNoKey = errors.New("no key")

// Load reads name's key from dir, asking for the passphrase if the file
// is sealed.
func Load(dir, name string, pass Passphrase) (Key, error) {
	path := Path(dir, name)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Key{}, fmt.Errorf("%s: %w", path, ErrNoKey)
	}
	if err != nil {
		return Key{}, fmt.Errorf("read key: %w", err)
	}
	if bytes.HasPrefix(b, []byte(armor.Header)) {
		if b, err = unseal(b, pass); err != nil {
			return Key{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	k, err := parseKey(b)
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreate returns name's key, creating and saving a new one (sealed
// if pass gives a passphrase) when there is none. created says which.
func LoadOrCreate(dir, name string, pass Passphrase) (k Key, created bool, err error) {
	k, err = Load(dir, name, pass)
	if !errors.Is(err, ErrNoKey) {
		return k, false, err
	}
	if k, err = Generate(); err != nil {
		return Key{}, false, err
	}
	return k, true, Save(dir, name, k, pass)
}

// Save writes k as name's key, readable by the user alone; it refuses to
// replace an existing key, which would lose a claimed name for good.
func Save(dir, name string, k Key, pass Passphrase) error {
	content := marshal(k)
	if phrase, err := ask(pass); err != nil {
		return err
	} else if phrase != "" {
		if content, err = seal(content, phrase); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create key directory: %w", err)
	}
	f, err := os.OpenFile(Path(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("save key: %w", err)
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		return fmt.Errorf("save key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save key: %w", err)
	}
	return f.Close()
}

func ask(pass Passphrase) (string, error) {
	if pass == nil {
		return "", nil
	}
	phrase, err := pass()
	if err != nil {
		return "", fmt.Errorf("passphrase: %w", err)
	}
	return phrase, nil
}

// seal encrypts content with the passphrase (age's scrypt recipient), in
// age's ASCII armor.
func seal(content []byte, phrase string) ([]byte, error) {
	r, err := age.NewScryptRecipient(phrase)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	r.SetWorkFactor(scryptWorkFactor)
	var out bytes.Buffer
	a := armor.NewWriter(&out)
	w, err := age.Encrypt(a, r)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	if _, err := w.Write(content); err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	if err := a.Close(); err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	return out.Bytes(), nil
}

// scryptWorkFactor is age's default (2^18 iterations, about a second here):
// slow enough to make guessing a passphrase expensive. Tests lower it.
var scryptWorkFactor = 18

// ErrPassphrase is returned for a sealed key opened without the right
// passphrase.
var ErrPassphrase = errors.New("the key is sealed with a passphrase, and the one given does not open it")

func unseal(b []byte, pass Passphrase) ([]byte, error) {
	phrase, err := ask(pass)
	if err != nil {
		return nil, err
	}
	if phrase == "" {
		return nil, ErrPassphrase
	}
	id, err := age.NewScryptIdentity(phrase)
	if err != nil {
		return nil, fmt.Errorf("open key: %w", err)
	}
	r, err := age.Decrypt(armor.NewReader(bytes.NewReader(b)), id)
	if err != nil {
		return nil, ErrPassphrase
	}
	return io.ReadAll(r)
}
