package main

import (
	"path/filepath"
	"testing"
)

func TestClaimSlot(t *testing.T) {
	dir := t.TempDir()
	n1, d1, r1, err := claimSlot(dir, 2)
	if err != nil || n1 != "s1" || d1 != filepath.Join(dir, "s1") {
		t.Fatalf("first claim: %s %s %v", n1, d1, err)
	}
	n2, _, r2, err := claimSlot(dir, 2)
	if err != nil || n2 != "s2" {
		t.Fatalf("second claim: %s %v", n2, err)
	}
	if _, _, _, err := claimSlot(dir, 2); err == nil {
		t.Fatal("a third claim of two slots succeeded")
	}
	r1()
	if n, _, r, err := claimSlot(dir, 2); err != nil || n != "s1" {
		t.Fatalf("claim after release: %s %v", n, err)
	} else {
		r()
	}
	r2()
}

func TestServerIdentity(t *testing.T) {
	dir := t.TempDir()
	c := &ServerCmd{Data: dir, DataSlots: 3, Name: "custom"}
	name, d, release, err := c.identity()
	if err != nil || name != "custom" || d != filepath.Join(dir, "s1") {
		t.Fatalf("named with slots: %s %s %v", name, d, err)
	}
	release()
	c = &ServerCmd{Data: dir}
	if name, d, release, err = c.identity(); err != nil || name == "" || d != dir {
		t.Fatalf("host name default: %q %s %v", name, d, err)
	}
	release()
}

func TestLocalAddr(t *testing.T) {
	for in, want := range map[string]string{
		":9100": "127.0.0.1:9100", "0.0.0.0:9100": "127.0.0.1:9100", "[::]:9100": "127.0.0.1:9100",
		"10.0.0.5:9100": "10.0.0.5:9100", "metrics.local:80": "metrics.local:80",
	} {
		if got := localAddr(in); got != want {
			t.Errorf("localAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
