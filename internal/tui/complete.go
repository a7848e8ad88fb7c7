package tui

import (
	"slices"
	"strings"
)

// completion is the state of Tab completion between two presses: the line
// up to the word being completed, the matches, and the line the last
// press produced (another press on that same line shows the next match).
type completion struct {
	head    string
	matches []string
	next    int
	last    string
}

// candidates gives the names Tab completes.
type candidates struct {
	users, channels []string
}

// complete completes the last word of value: a command name at the start
// of the line, a channel after /join, a user after /msg, and a user or
// channel elsewhere. One match is completed with a space after it; several
// are first completed to their common prefix, then cycled through.
func complete(value string, st completion, cands candidates) (string, completion) {
	if st.last == value && len(st.matches) > 1 {
		return st.cycle()
	}
	head, word := splitLast(value)
	// A channel or user sigil stays in the line and narrows the pool.
	if word != "" && strings.ContainsRune("#@", rune(word[0])) {
		head, word = head+word[:1], word[1:]
	}
	matches := matching(word, pool(head, word, cands))
	switch len(matches) {
	case 0:
		return value, completion{}
	case 1:
		return head + matches[0] + " ", completion{}
	}
	st = completion{head: head, matches: matches}
	if p := commonPrefix(matches); len(p) > len(word) {
		st.last = head + p
		return st.last, st
	}
	return st.cycle()
}

func (st completion) cycle() (string, completion) {
	st.last = st.head + st.matches[st.next] + " "
	st.next = (st.next + 1) % len(st.matches)
	return st.last, st
}

// splitLast splits value before its last word.
func splitLast(value string) (head, word string) {
	i := strings.LastIndexByte(value, ' ') + 1
	return value[:i], value[i:]
}

// pool picks the candidates for a word from the line before it.
func pool(head, word string, cands candidates) []string {
	if head == "" && strings.HasPrefix(word, "/") {
		out := make([]string, len(commands))
		for i, c := range commands {
			out[i] = "/" + c.name
		}
		return out
	}
	switch first, _, _ := strings.Cut(head, " "); {
	case strings.HasSuffix(head, "#"):
		return cands.channels
	case strings.HasSuffix(head, "@"):
		return cands.users
	case strings.Count(head, " ") == 1 && (first == "/join" || first == "/part"):
		return cands.channels
	case strings.Count(head, " ") == 1 && first == "/msg":
		return cands.users
	}
	return append(slices.Clone(cands.users), cands.channels...)
}

// matching keeps the distinct candidates that start with word, ignoring
// case, sorted.
func matching(word string, pool []string) []string {
	var out []string
	for _, c := range pool {
		if strings.HasPrefix(strings.ToLower(c), strings.ToLower(word)) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

func commonPrefix(words []string) string {
	p := words[0]
	for _, w := range words[1:] {
		for !strings.HasPrefix(w, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}
