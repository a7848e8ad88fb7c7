package zchat

import (
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
	folded, err := precis.UsernameCaseMapped.String(name)
	if err != nil {
		folded = name // not a valid name (from an old replica): its own spelling
	}
	return confusables.Skeleton(folded)
}
