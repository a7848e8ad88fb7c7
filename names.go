package zchat

import (
	"strings"

	"github.com/mtibben/confusables"
	"golang.org/x/text/secure/precis"
)

// NameKey is what two names that a reader could mistake for one another
// share: the confusable skeleton (Unicode TR39) of the name's case-mapped
// form (PRECIS UsernameCaseMapped, RFC 8265). "bob", "Bob" and "bоb"
// (Cyrillic о) have one key; so do "rn" and "m". The store refuses a new
// user or channel whose key is that of an existing one with another name,
// so that nobody passes for somebody else; the same name is the same user.
func NameKey(name string) string {
	if key, ok := asciiNameKey(name); ok {
		return key
	}
	folded, err := precis.UsernameCaseMapped.String(name)
	if err != nil {
		folded = name // not a valid name (from an old replica): its own spelling
	}
	return confusables.Skeleton(folded)
}

// asciiKeys holds, for each printable ASCII byte, its key as a one-byte
// name when that key is ASCII too ("" otherwise). For a name made only of
// such bytes PRECIS's case mapping is lower-casing and normalization
// changes nothing, so the name's key is its bytes' keys end to end: a
// store indexes its names at Open without the general path's cost.
var asciiKeys = func() (keys [128]string) {
	for b := byte('!'); b <= '~'; b++ {
		if k := confusables.Skeleton(strings.ToLower(string(rune(b)))); isASCII(k) {
			keys[b] = k
		}
	}
	return keys
}()

func asciiNameKey(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	var sb strings.Builder
	sb.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 128 || asciiKeys[c] == "" {
			return "", false
		}
		sb.WriteString(asciiKeys[c])
	}
	return sb.String(), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 128 {
			return false
		}
	}
	return s != ""
}
