package store

import (
	"slices"

	"zchat"
)

// similarNames indexes names by zchat.NameKey, to find the existing name
// a new one could be mistaken for. A key may index several names: logins
// and channels replicated from peers are not refused (replicas must
// converge), so "bob" and "Bob" can both exist after a race. Such keys
// are rare: the first name of a key is kept apart from the others, so
// that indexing a name allocates no slice.
type similarNames struct {
	first map[string]string   // key -> the first name indexed under it
	more  map[string][]string // key -> the other names, if any
}

func newSimilarNames(size int) similarNames {
	return similarNames{first: make(map[string]string, size), more: map[string][]string{}}
}

// add indexes name under key (zchat.NameKey(name)), once.
func (s similarNames) add(key, name string) {
	switch f, ok := s.first[key]; {
	case !ok:
		s.first[key] = name
	case f != name && !slices.Contains(s.more[key], name):
		s.more[key] = append(s.more[key], name)
	}
}

// remove drops name from the index.
func (s similarNames) remove(name string) {
	key := zchat.NameKey(name)
	more := slices.DeleteFunc(s.more[key], func(n string) bool { return n == name })
	if s.first[key] == name {
		if len(more) == 0 {
			delete(s.first, key)
			delete(s.more, key)
			return
		}
		s.first[key], more = more[0], more[1:]
	}
	if len(more) == 0 {
		delete(s.more, key)
		return
	}
	s.more[key] = more
}

// other returns an indexed name with key other than name.
func (s similarNames) other(key, name string) (string, bool) {
	if f, ok := s.first[key]; ok && f != name {
		return f, true
	}
	for _, n := range s.more[key] {
		if n != name {
			return n, true
		}
	}
	return "", false
}

// merge adds the names of o.
func (s similarNames) merge(o similarNames) {
	for key, name := range o.first {
		s.add(key, name)
	}
	for key, names := range o.more {
		for _, n := range names {
			s.add(key, n)
		}
	}
}

// indexNames builds the index of names.
func indexNames(names map[string]struct{}) similarNames {
	s := newSimilarNames(len(names))
	for n := range names {
		s.add(zchat.NameKey(n), n)
	}
	return s
}

// lookAlikeUser refuses a new user name that looks like an existing
// user's; an existing user is always accepted.
func (b *batch) lookAlikeUser(name string) error {
	if b.hasUser(name) {
		return nil
	}
	return lookAlike("user", name, b.userNames, b.s.userNames)
}

// lookAlikeChannel refuses a new channel name that looks like an existing
// channel's.
func (b *batch) lookAlikeChannel(name string) error {
	return lookAlike("channel", name, b.channelNames, b.s.channelNames)
}

func lookAlike(what, name string, indexes ...similarNames) error {
	key := zchat.NameKey(name)
	for _, idx := range indexes {
		if other, ok := idx.other(key, name); ok {
			return zchat.ConfusableError{What: what, Name: name, Existing: other}
		}
	}
	return nil
}
