package zchat

import "strings"

// KeyLen is the length of a user key as text: a CURVE public key (32
// bytes) in Z85 (ZeroMQ RFC 32), which encodes 4 bytes as 5 characters.
const KeyLen = 40

// z85Alphabet is Z85's digits, in value order.
const z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

// ValidKey tells whether s is a user key as claims store it: KeyLen
// characters of Z85 whose every 5-character group encodes a 32-bit value
// (the Z85 text of 32 bytes, exactly as a decoder would give it back).
func ValidKey(s string) bool {
	if len(s) != KeyLen {
		return false
	}
	for g := 0; g < KeyLen; g += 5 {
		var v uint64
		for _, c := range []byte(s[g : g+5]) {
			d := strings.IndexByte(z85Alphabet, c)
			if d < 0 {
				return false
			}
			v = v*85 + uint64(d)
		}
		if v > 1<<32-1 {
			return false
		}
	}
	return true
}
