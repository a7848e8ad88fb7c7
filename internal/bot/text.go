package bot

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
)

// newName is a random user name, "bot-" and 8 hex digits: every name has
// the same length, so no bot's name is a prefix of another's (ZeroMQ
// topics match by prefix; the client filters, but the proxy would still
// forward the traffic).
func newName() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "bot-" + hex.EncodeToString(b[:])
}

const filler = "abcdefghijklmnopqrstuvwxyz0123456789 "

// text is message n of a bot, exactly size bytes: who and which, so that a
// person reading a channel can tell the bots apart, then filler.
func text(name string, n, size int) string {
	var sb strings.Builder
	sb.Grow(size)
	sb.WriteString(name)
	sb.WriteString(" #")
	sb.WriteString(strconv.Itoa(n))
	sb.WriteByte(' ')
	for sb.Len() < size {
		sb.WriteString(filler[:min(len(filler), size-sb.Len())])
	}
	return sb.String()[:size]
}
