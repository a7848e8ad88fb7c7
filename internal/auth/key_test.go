package auth

import (
	"strings"
	"testing"

	zmq "github.com/pebbe/zmq4"
)

func TestGenerateKeyDerivesThePublicHalf(t *testing.T) {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	public, err := zmq.AuthCurvePublic(k.Secret)
	if err != nil || public != k.Public || len(k.Secret) != 40 {
		t.Fatalf("key %+v, derived public %q (%v)", k, public, err)
	}
	other, _ := GenerateKey()
	if other.Secret == k.Secret {
		t.Fatal("two generated keys are equal")
	}
}

func TestKeyFromSecretRejectsWhatIsNotAKey(t *testing.T) {
	good, _ := GenerateKey()
	for name, secret := range map[string]string{
		"empty":          "",
		"short":          good.Secret[:35],
		"long":           good.Secret + "abcde",
		"not a multiple": good.Secret[:39],
		"space":          good.Secret[:39] + " ",
		"quote":          `"` + good.Secret[1:],
		"overflow":       "#####" + good.Secret[5:], // above 2^32 in base 85
	} {
		if _, err := KeyFromSecret(secret); err == nil {
			t.Errorf("%s: %q accepted", name, secret)
		}
	}
	if k, err := KeyFromSecret(good.Secret); err != nil || k != good {
		t.Fatalf("the good key: %+v, %v", k, err)
	}
}

func TestParseKeyFile(t *testing.T) {
	k, _ := GenerateKey()
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"as written", string(keyFileText(k)), true},
		{"bare", k.Secret, true},
		{"blank lines and spaces", "\n\n  " + k.Secret + "  \r\n\n", true},
		{"empty", "", false},
		{"only comments", "# nothing\n#" + k.Secret + "\n", false},
		{"two keys", k.Secret + "\n" + k.Secret + "\n", false},
		{"binary", string([]byte{0, 1, 2, 0xff}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseKeyFile([]byte(tt.text))
			if (err == nil) != tt.ok {
				t.Fatalf("err %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && strings.Contains(tt.text, k.Secret) && got != k {
				t.Fatalf("parsed %+v, want %+v", got, k)
			}
		})
	}
}

func TestDomainsDifferPerKey(t *testing.T) {
	a, _ := GenerateKey()
	b, _ := GenerateKey()
	if a.domain() == b.domain() || !strings.HasPrefix(a.domain(), "zchat-cluster:") {
		t.Fatalf("domains %q and %q", a.domain(), b.domain())
	}
}
