package freeport

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// claims keeps every claim's file open, and so its lock held, for the
// life of the process.
var claims []*os.File

// claimDir is shared by every process of the machine that uses freeport.
func claimDir() string { return filepath.Join(os.TempDir(), "zchat-freeport") }

// claim takes port for this process unless another live process holds it.
// Without a usable claim directory it claims nothing and says yes: the
// in-process check and the bind test still apply.
func claim(port int) bool {
	dir := claimDir()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return true
	}
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprint(port)), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return true
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return false
	}
	claims = append(claims, f)
	return true
}
