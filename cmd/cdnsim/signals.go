package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interrupts turns SIGINT and SIGTERM into a graceful stop. The first
// signal closes Stop: the simulation stops at the current virtual time
// and writes complete outputs for what it simulated, marked partial. A
// second signal exits at once, after the cleanups (removing the staging
// directory, releasing the lock), so it leaves no temporary file behind.
type interrupts struct {
	ch     chan os.Signal
	stop   chan struct{}
	stderr io.Writer
	exit   func(code int) // os.Exit; a test's recorder in tests

	mu       sync.Mutex
	sig      os.Signal
	cleanups map[int]func()
	next     int
	done     chan struct{}
}

// watchInterrupts starts watching; Close stops it.
func watchInterrupts(stderr io.Writer) *interrupts {
	in := &interrupts{ch: make(chan os.Signal, 2), stop: make(chan struct{}), stderr: stderr,
		exit: os.Exit, cleanups: map[int]func(){}, done: make(chan struct{})}
	signal.Notify(in.ch, os.Interrupt, syscall.SIGTERM)
	go in.loop()
	return in
}

func (in *interrupts) loop() {
	for {
		select {
		case <-in.done:
			return
		case sig := <-in.ch:
			in.mu.Lock()
			first := in.sig == nil
			if first {
				in.sig = sig
				close(in.stop)
			}
			in.mu.Unlock()
			if first {
				fmt.Fprintf(in.stderr, "cdnsim: %s: stopping at the current virtual time to write what was simulated (%s again to quit at once)\n", signalName(sig), signalName(sig))
				continue
			}
			in.mu.Lock()
			for _, f := range in.cleanups {
				f()
			}
			in.mu.Unlock()
			fmt.Fprintf(in.stderr, "cdnsim: %s, a second signal: quitting, nothing written\n", signalName(sig))
			in.exit(exitCodeFor(sig))
			return
		}
	}
}

// Stop is closed by the first signal.
func (in *interrupts) Stop() <-chan struct{} { return in.stop }

// Signal is the signal that stopped the run, or nil.
func (in *interrupts) Signal() os.Signal {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sig
}

// OnExit registers f to run before a second signal exits the program;
// the returned function unregisters it.
func (in *interrupts) OnExit(f func()) (unregister func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	id := in.next
	in.next++
	in.cleanups[id] = f
	return func() {
		in.mu.Lock()
		delete(in.cleanups, id)
		in.mu.Unlock()
	}
}

// Close stops watching: signals again kill the program as by default.
func (in *interrupts) Close() {
	signal.Stop(in.ch)
	close(in.done)
}

// exitCodeFor is the shell's code for death by sig: 128 + its number
// (130 for SIGINT, 143 for SIGTERM).
func exitCodeFor(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitFailure
}

// signalName is "SIGINT" or "SIGTERM".
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}
