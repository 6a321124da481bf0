package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/scenarios/sweep"
	"github.com/cdnsim/cdnsim/sim"
)

// output is a command's output directory while the command runs: files
// go into a staging directory that replaces the directory as a whole on
// commit, interrupts stop the simulation (the first) or remove the
// staging directory and exit (the second), and run.json says what made
// the files.
type output struct {
	cmd      string
	dir      *report.RunDir
	in       *interrupts
	unreg    func()
	manifest report.Manifest
}

// startOutput takes dir for cmd, or says on stderr why it cannot (a file,
// a directory of other files, another run writing into it) and returns
// the exit code.
func startOutput(cmd, dir string, s *scenarios.Scenario, seed uint64, stderr io.Writer) (*output, int) {
	started := time.Now()
	rd, err := report.CreateRunDir(dir)
	if err != nil {
		fmt.Fprintf(stderr, "cdnsim %s: -o %v\n", cmd, err)
		if errors.Is(err, report.ErrLocked) {
			return nil, exitFailure
		}
		return nil, exitUsage
	}
	in := watchInterrupts(stderr)
	return &output{cmd: cmd, dir: rd, in: in, unreg: in.OnExit(rd.Abort), manifest: report.Manifest{
		Cdnsim: report.BuildInfo(), Command: cmd, Seed: seed, Started: started.UTC(),
		Scenario:  report.ScenarioRef{Name: s.Name, Source: s.Source, SHA256: s.SHA256},
		Overrides: slices.Clone(s.Overrides),
	}}, exitOK
}

// Path is where to write the files until commit.
func (o *output) Path() string { return o.dir.Path() }

// Stop is closed by the first interrupt.
func (o *output) Stop() <-chan struct{} { return o.in.Stop() }

// interrupted is the exit code of an interrupted run (130 or 143), or 0.
func (o *output) interrupted() int {
	if sig := o.in.Signal(); sig != nil {
		return exitCodeFor(sig)
	}
	return exitOK
}

// commit writes run.json — complete, or partial when an interrupt
// stopped the simulation after until of the measured period — and puts
// the files in place of the output directory.
func (o *output) commit(until sim.Time, complete bool) error {
	m := &o.manifest
	m.Ended, m.Status, m.SimulatedUntilS = time.Now().UTC(), report.StatusComplete, until.Seconds()
	if !complete {
		m.Status = report.StatusPartial
		if sig := o.in.Signal(); sig != nil {
			m.Signal = signalName(sig)
		}
	}
	entries, err := os.ReadDir(o.Path())
	if err != nil {
		return err
	}
	m.Files = nil
	for _, e := range entries {
		m.Files = append(m.Files, e.Name())
	}
	if err := report.WriteAtomic(filepath.Join(o.Path(), report.ManifestFile), m.JSON()); err != nil {
		return err
	}
	return o.dir.Commit()
}

// close removes what was not committed and stops watching for interrupts.
func (o *output) close() {
	o.unreg()
	o.in.Close()
	o.dir.Abort()
}

// checkMemory refuses, with exit 2 and the key that needs the memory, a
// scenario whose estimate exceeds --max-memory (or the machine's
// available memory); runs at once need n times it.
func checkMemory(cmd string, s *scenarios.Scenario, maxMemory string, stderr io.Writer) int {
	lim, err := parseMaxMemory(maxMemory)
	if err != nil {
		fmt.Fprintf(stderr, "cdnsim %s: %v\n", cmd, err)
		return exitUsage
	}
	if err := s.CheckMemory(lim.bytes, lim.name); err != nil {
		fmt.Fprintln(stderr, "cdnsim:", err)
		return exitUsage
	}
	return exitOK
}

// planJobs checks the scenario of every run in runs against --max-memory
// (or the machine's available memory) and says how many of them may run
// at once, at most jobs: fewer when jobs of the largest would not fit, a
// note on stderr then. A run that would not fit alone is refused, naming
// its key, with exit 2 (the second result).
func planJobs(cmd string, p *sweep.Plan, runs []*sweep.Run, jobs int, maxMemory string, quiet bool, stderr io.Writer) (int, int) {
	lim, err := parseMaxMemory(maxMemory)
	if err != nil {
		fmt.Fprintf(stderr, "cdnsim %s: %v\n", cmd, err)
		return 0, exitUsage
	}
	if lim.bytes <= 0 {
		return jobs, exitOK
	}
	var largest float64
	for _, r := range runs {
		s, err := p.Scenario(r)
		if err != nil {
			continue // the run reports it
		}
		if err := s.CheckMemory(lim.bytes, lim.name); err != nil {
			fmt.Fprintf(stderr, "cdnsim: %v (run %s: %s)\n", err, r.ID, p.Describe(r))
			return 0, exitUsage
		}
		largest = max(largest, s.Memory().Bytes)
	}
	if fit := int(float64(lim.bytes) / max(largest, 1)); fit < jobs {
		if !quiet {
			fmt.Fprintf(stderr, "cdnsim %s: %d runs at a time, not %d: the largest needs about %s and %s allows %s\n",
				cmd, fit, jobs, scenarios.FormatBytes(largest), lim.name, scenarios.FormatBytes(float64(lim.bytes)))
		}
		jobs = fit
	}
	return jobs, exitOK
}
