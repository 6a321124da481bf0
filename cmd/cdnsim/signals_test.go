package main

import (
	"bytes"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the signal goroutine's writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInterruptsStopThenExit sends this process SIGTERM twice: the first
// closes Stop and says so, the second runs the cleanups and exits 143.
func TestInterruptsStopThenExit(t *testing.T) {
	var stderr lockedBuffer
	in := watchInterrupts(&stderr)
	defer in.Close()
	exited := make(chan int, 1)
	in.exit = func(code int) { exited <- code }
	cleaned := make(chan struct{}, 2)
	in.OnExit(func() { cleaned <- struct{}{} })
	unregister := in.OnExit(func() { t.Error("an unregistered cleanup ran") })
	unregister()

	if in.Signal() != nil {
		t.Fatal("a signal before any was sent")
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	select {
	case <-in.Stop():
	case <-time.After(5 * time.Second):
		t.Fatal("Stop not closed after SIGTERM")
	}
	if in.Signal() != syscall.SIGTERM {
		t.Errorf("signal %v", in.Signal())
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	select {
	case code := <-exited:
		if code != 143 {
			t.Errorf("exit code %d, want 143", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no exit after a second SIGTERM")
	}
	if len(cleaned) != 1 {
		t.Errorf("%d cleanups ran, want 1", len(cleaned))
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "cdnsim: SIGTERM: stopping at the current virtual time") ||
		lines[1] != "cdnsim: SIGTERM, a second signal: quitting, nothing written" {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if exitCodeFor(syscall.SIGINT) != 130 {
		t.Errorf("SIGINT: %d", exitCodeFor(syscall.SIGINT))
	}
}
