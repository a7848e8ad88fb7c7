package freeport

import "errors"

// Block returns the first of n consecutive free loopback ports, all
// claimed, for programs that take a base port and count up from it
// (`zchat up --base-port`). The block lies in the same range as Port's.
func Block(n int) (int, error) {
	top := ephemeralLow() - n
	if n < 1 || top-lowest < 1000 {
		return 0, errors.New("freeport: no room for a block of ports")
	}
	mu.Lock()
	defer mu.Unlock()
	for range 5000 {
		base := lowest + rng(top-lowest+1)
		if !givenAny(base, n) && takeBlock(base, n) {
			return base, nil
		}
	}
	return 0, errors.New("freeport: no free block of ports found")
}

func givenAny(base, n int) bool {
	for p := base; p < base+n; p++ {
		if given[p] {
			return true
		}
	}
	return false
}

// takeBlock claims base..base+n-1 if all are free; a block that fails
// half-way keeps its claims (they are only file locks, dropped at exit),
// so no other process tries those ports meanwhile.
func takeBlock(base, n int) bool {
	for p := base; p < base+n; p++ {
		if !claim(p) || !free(p) {
			return false
		}
	}
	for p := base; p < base+n; p++ {
		given[p] = true
	}
	return true
}
