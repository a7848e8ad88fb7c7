package cluster

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Spec describes a child process.
type Spec struct {
	Name string   // component name, used as the output prefix
	Path string   // executable
	Args []string // arguments, without the program name
	Env  []string // environment; nil means the parent's
	Dir  string   // working directory; "" means the parent's
	// Optional children (bots) are not restarted when their first run
	// fails within FastFail: a warning is logged instead of crash-looping.
	Optional bool
}

// Proc is a started child.
type Proc struct {
	Spec    Spec
	cmd     *exec.Cmd
	started time.Time
	done    chan struct{}
	err     error
}

// Start starts spec with stdout and stderr both going to out (a
// PrefixWriter, a file, ...). The child runs in its own process group and
// is killed if the parent dies.
func Start(spec Spec, out io.Writer) (*Proc, error) {
	cmd := exec.Command(spec.Path, spec.Args...)
	cmd.Env, cmd.Dir = spec.Env, spec.Dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = 2 * time.Second // a grandchild holding the pipe cannot block Wait
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	p := &Proc{Spec: spec, cmd: cmd, started: time.Now(), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		if f, ok := out.(interface{ Flush() error }); ok {
			f.Flush()
		}
		close(p.done)
	}()
	return p, nil
}

// Pid is the child's process id (and process group id).
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the child has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Err is the exit status once Done is closed (nil for exit status 0).
func (p *Proc) Err() error {
	<-p.done
	return p.err
}

// Uptime is how long the child has been (or was) running.
func (p *Proc) Uptime() time.Duration { return time.Since(p.started) }

// Signal sends sig to the child's process group.
func (p *Proc) Signal(sig syscall.Signal) error {
	select {
	case <-p.done:
		return os.ErrProcessDone
	default:
	}
	err := syscall.Kill(-p.Pid(), sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// Stop sends SIGTERM (and SIGCONT, in case the child is stopped), waits up
// to grace for the child to exit, then sends SIGKILL and waits.
func (p *Proc) Stop(grace time.Duration) error {
	p.Signal(syscall.SIGTERM)
	p.Signal(syscall.SIGCONT)
	select {
	case <-p.done:
		return p.err
	case <-time.After(grace):
	}
	p.Signal(syscall.SIGKILL)
	<-p.done
	return p.err
}

// Kill sends SIGKILL and waits for the child to exit.
func (p *Proc) Kill() {
	p.Signal(syscall.SIGKILL)
	<-p.done
}
