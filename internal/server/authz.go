package server

import "zchat"

// Owners tells who claimed a name: the owner's key, if it is claimed.
type Owners func(name string) (key string, claimed bool)

// mayActAs decides whether caller may act as the user name: log in as
// it, post or send in its name, create a channel as its creator. An
// unclaimed name is open to anyone, as in the standard protocol; a claimed
// one only to its owner's key.
func mayActAs(owners Owners, caller Caller, name string) error {
	key, claimed := owners(name)
	if !claimed || (!caller.Keyless() && caller.Key == key) {
		return nil
	}
	return zchat.ClaimedError{Name: name, Keyless: caller.Keyless()}
}

// mayReadPrivate decides whether caller may read the private messages of
// user (only those exchanged with peer, if peer is set). When neither
// party is claimed they are open, as in the standard protocol; otherwise
// only the key of a claimed party reads them: the owner of user, or of
// peer (the other party of that conversation). An unclaimed party has no
// key to prove, so it cannot read a conversation with a claimed one.
func mayReadPrivate(owners Owners, caller Caller, user, peer string) error {
	parties := []string{user}
	if peer != "" {
		parties = append(parties, peer)
	}
	refused := ""
	for _, p := range parties {
		key, claimed := owners(p)
		if !claimed {
			continue
		}
		if !caller.Keyless() && caller.Key == key {
			return nil
		}
		if refused == "" {
			refused = p
		}
	}
	if refused == "" {
		return nil
	}
	return zchat.PrivateError{Name: refused, Keyless: caller.Keyless()}
}
