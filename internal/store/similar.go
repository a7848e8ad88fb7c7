package store

import (
	"slices"

	"zchat"
)

// similarNames indexes names by zchat.NameKey, to find the existing name
// a new one could be mistaken for. A key may index several names: logins
// and channels replicated from peers are not refused (replicas must
// converge), so "bob" and "Bob" can both exist after a race.
type similarNames map[string][]string

// add indexes name under key (zchat.NameKey(name)), once.
func (s similarNames) add(key, name string) {
	if !slices.Contains(s[key], name) {
		s[key] = append(s[key], name)
	}
}

// remove drops name from the index.
func (s similarNames) remove(name string) {
	key := zchat.NameKey(name)
	names := slices.DeleteFunc(s[key], func(n string) bool { return n == name })
	if len(names) == 0 {
		delete(s, key)
		return
	}
	s[key] = names
}

// other returns an indexed name with key other than name.
func (s similarNames) other(key, name string) (string, bool) {
	for _, n := range s[key] {
		if n != name {
			return n, true
		}
	}
	return "", false
}

// merge adds the names of o.
func (s similarNames) merge(o similarNames) {
	for key, names := range o {
		for _, n := range names {
			s.add(key, n)
		}
	}
}

// indexNames builds the index of names.
func indexNames(names map[string]struct{}) similarNames {
	s := make(similarNames, len(names))
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
