package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// claimSlot gives replicas that share one data volume (compose's
// `deploy.replicas`) stable identities: it locks the first of
// parent/s1..sN that no running process holds and returns its name and
// directory. The lock lasts until release or the process exits, whichever
// comes first, so a restarted container takes a free slot back with its
// data and name.
func claimSlot(parent string, n int) (name, dir string, release func(), err error) {
	for i := 1; i <= n; i++ {
		name, dir = fmt.Sprintf("s%d", i), filepath.Join(parent, fmt.Sprintf("s%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", "", nil, err
		}
		f, err := os.OpenFile(filepath.Join(dir, "slot.lock"), os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			return "", "", nil, err
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			return name, dir, func() { f.Close() }, nil
		}
		f.Close()
	}
	return "", "", nil, fmt.Errorf("all %d data slots under %s are in use", n, parent)
}

// identity is the server's name and data directory: --name or the slot's
// name or the host name (a container's hostname), in that order; --data
// or, with --data-slots, the claimed slot under it.
func (c *ServerCmd) identity() (name, dir string, release func(), err error) {
	name, dir, release = c.Name, c.Data, func() {}
	if c.DataSlots > 0 {
		var slot string
		if slot, dir, release, err = claimSlot(c.Data, c.DataSlots); err != nil {
			return "", "", nil, err
		}
		if name == "" {
			name = slot
		}
	}
	if name == "" {
		if name, err = os.Hostname(); err != nil {
			release()
			return "", "", nil, fmt.Errorf("no --name and no host name: %w", err)
		}
	}
	return name, dir, release, nil
}
