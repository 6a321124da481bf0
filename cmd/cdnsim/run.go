package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

func init() {
	register(command{name: "run", summary: "simulate a scenario and write summary.json, timeseries.csv and plots", run: runCmd})
	register(command{name: "validate", summary: "check a scenario file without running it", run: validateCmd})
}

// loadScenario loads SCENARIO (a path or a built-in name) with --set
// overrides, reporting bad input on stderr. The second result is the exit
// code to return when the first is nil.
func loadScenario(arg string, sets []string, stderr io.Writer) (*scenarios.Scenario, int) {
	s, err := scenarios.Load(arg, sets)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim:", err)
		var se *scenarios.Error
		if errors.As(err, &se) {
			return nil, exitUsage
		}
		return nil, exitFailure
	}
	return s, exitOK
}

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", "cdnsim run SCENARIO [-o DIR] [--seed N] [--warmup D] [--set key=value]... [--max-memory SIZE] [--quiet]\n"+
		"       [--sample R | --shard I/K | --shards K [-j N]]\n\n"+
		"Simulates SCENARIO (a .toml path or a built-in name: "+joinNames(scenarios.Builtins())+")\n"+
		"and writes summary.json, timeseries.csv, hit-ratio.png, origin-load.png,\n"+
		"latency.png and run.json into DIR, replacing an older run's files as a whole.\n"+
		"Ctrl-C (SIGINT) or SIGTERM stops the simulation and writes what was simulated,\n"+
		"marked partial; a second one quits at once. Flags may come before or after SCENARIO.\n\n"+
		"--sample R simulates a miniature: a share R of the objects (one in every 1/R\n"+
		"of each class, ranked by popularity or volume), every cache and origin limit\n"+
		"scaled by R; outputs are full-scale estimates, the edge's hits adjusted for\n"+
		"the popular objects the sample holds more or fewer of (sample_excess). A class\n"+
		"whose objects are large against the smallest cache is kept at a higher rate\n"+
		"R_c, each object taking R/R_c of its size in the caches and each request\n"+
		"counting for R/R_c of one (sample_class_rates).\n"+
		"--shard I/K simulates the I-th of K slices of the objects (a miniature at\n"+
		"R = 1/K) and also writes counts.json for `cdnsim merge`. --shards K runs all\n"+
		"K shards as separate processes, N at a time, into DIR/shards/I and merges\n"+
		"them into DIR.", stderr)
	out := fs.String("o", "", "output directory (default out/<scenario name>)")
	var seed seedFlag
	fs.Var(&seed, "seed", "random seed, 0 to 2^64-1 (default: the scenario's seed)")
	maxMemory := fs.String("max-memory", "", maxMemoryUsage)
	quiet := fs.Bool("quiet", false, "print nothing but errors: no progress bar, no summary")
	warmup := fs.String("warmup", "", "simulate this long first (e.g. 24h) and measure only after it; the scenario's warmup key")
	var sets multiFlag
	fs.Var(&sets, "set", "override one scenario value, e.g. --set pops.capacity=2GB (repeatable)")
	sample := fs.Float64("sample", 1, "simulate a miniature at sample rate R, 0 < R ≤ 1")
	shard := fs.String("shard", "", "simulate shard I of K, written I/K (0 ≤ I < K)")
	shards := fs.Int("shards", 0, "run K shards as separate processes and merge them")
	jobs := fs.Int("j", 0, "with --shards: shards running at once (default: the number of CPUs)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	if flagSet(fs, "warmup") {
		sets = append(sets, "warmup="+*warmup)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "cdnsim run: want exactly one SCENARIO")
		fs.Usage()
		return exitUsage
	}
	slice, err := sliceFlags(fs, *sample, *shard, *shards, *jobs)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim run:", err)
		return exitUsage
	}
	s, code := loadScenario(pos[0], sets, stderr)
	if s == nil {
		return code
	}
	if !*quiet {
		printWarnings(s, stderr)
	}
	if code := checkMemory("run", s, *maxMemory, stderr); code != exitOK {
		return code
	}
	runSeed := s.Seed
	if flagSet(fs, "seed") {
		runSeed = uint64(seed)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", s.Name)
	}
	if *shards > 0 {
		return runShards(shardRun{scenario: pos[0], sets: sets, seed: runSeed, k: *shards, jobs: *jobs, dir: dir, quiet: *quiet}, stdout, stderr)
	}
	s = s.Miniature(slice)
	o, code := startOutput("run", dir, s, runSeed, stderr)
	if o == nil {
		return code
	}
	defer o.close()
	// The access log streams into a temporary file during the run and is
	// renamed into place only when everything else is written.
	var alog *report.AccessLog
	var extra []topology.Observer
	if s.LogEnabled() {
		var err error
		if alog, err = report.CreateAccessLog(filepath.Join(o.Path(), report.AccessLogFile), s.AccessLogConfig(runSeed)); err != nil {
			fmt.Fprintln(stderr, "cdnsim run:", err)
			return exitFailure
		}
		defer alog.Abort() // no-op after Close
		extra = append(extra, alog)
	}
	r, err := s.NewRun(runSeed, extra...)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim run:", err)
		return exitUsage
	}

	end := r.Warmup + r.Duration
	bar := newProgress(stderr, !*quiet, int64(end/sim.Second), "simulating "+s.Name)
	start := time.Now()
	until, complete := r.SimulateUntil(o.Stop(), func(now sim.Time) {
		if bar != nil {
			_ = bar.Set64(int64(min(now, end) / sim.Second))
		}
	})
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(stderr)
	}
	if err := r.Err(); err != nil {
		// A trace that fails part-way must not pass for a short run.
		fmt.Fprintln(stderr, "cdnsim run:", err)
		return exitFailure
	}
	wall := time.Since(start)
	if !complete {
		if until == 0 {
			fmt.Fprintf(stderr, "cdnsim run: stopped in the warm-up, before anything was measured: nothing written, %s left as it was\n", dir)
			return o.interrupted()
		}
		r.Recorder.Stop(until)
	}
	sum := r.Recorder.Summary()
	if err := r.Recorder.WriteFiles(o.Path()); err != nil {
		fmt.Fprintln(stderr, "cdnsim run:", err)
		return exitFailure
	}
	if alog != nil {
		if err := alog.Close(); err != nil {
			fmt.Fprintln(stderr, "cdnsim run:", err)
			return exitFailure
		}
	}
	if err := o.commit(until, complete); err != nil {
		fmt.Fprintln(stderr, "cdnsim run:", err)
		return exitFailure
	}
	if !complete {
		fmt.Fprintf(stderr, "cdnsim run: interrupted: wrote the first %s of %s, marked partial, to %s\n",
			until.Short(), r.Duration.Short(), dir)
	}
	if !*quiet {
		// A sample's warnings about the classes it holds far from their
		// share (in summary.json after the scenario's).
		for _, w := range r.Recorder.SampleWarnings() {
			fmt.Fprintln(stderr, "cdnsim: warning:", w)
		}
		// Wall-clock figures go to stderr: stdout and the files stay
		// identical between runs with the same seed.
		// The requests simulated, not a miniature's full-scale estimate.
		simulated, warm := r.Recorder.Simulated(), ""
		if r.Warmup > 0 {
			warm = fmt.Sprintf(" (%d of them in the %s warm-up)", r.Recorder.WarmupRequests(), r.Warmup.Short())
		}
		fmt.Fprintf(stderr, "simulated %d requests%s in %.1fs (%.2f M requests/s); wrote %s\n",
			simulated, warm, wall.Seconds(), float64(simulated)/wall.Seconds()/1e6, dir)
		fmt.Fprintln(stdout, sum.Text())
	}
	if !complete {
		return o.interrupted()
	}
	return exitOK // a signal while the files were written came too late to stop anything
}

// printWarnings prints the scenario's warnings (doubtful but valid
// settings) on stderr, one a line.
func printWarnings(s *scenarios.Scenario, stderr io.Writer) {
	for _, w := range s.Warnings {
		fmt.Fprintln(stderr, "cdnsim: warning:", w)
	}
}

// newProgress returns a progress bar on w counting virtual seconds, or nil
// when it should not show: quiet, or w is not a terminal (CI logs, pipes).
func newProgress(w io.Writer, show bool, max int64, what string) *progressbar.ProgressBar {
	if !show || !isTerminal(w) {
		return nil
	}
	return progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetItsString("virtual s"),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionFullWidth(),
	)
}

// isTerminal reports whether w is a terminal, where progress bars show.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func validateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", "cdnsim validate SCENARIO [--set key=value]...\n\n"+
		"Checks SCENARIO strictly (unknown keys, types, impossible values) without running it.", stderr)
	var sets multiFlag
	fs.Var(&sets, "set", "override one scenario value before checking (repeatable)")
	maxMemory := fs.String("max-memory", "", maxMemoryUsage)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "cdnsim validate: want exactly one SCENARIO")
		fs.Usage()
		return exitUsage
	}
	s, code := loadScenario(pos[0], sets, stderr)
	if s == nil {
		return code
	}
	printWarnings(s, stderr)
	if code := checkMemory("validate", s, *maxMemory, stderr); code != exitOK {
		return code
	}
	t := s.Topology
	warm := ""
	if s.Warmup > 0 {
		warm = " after a " + sim.Duration(s.Warmup).Short() + " warm-up"
	}
	fmt.Fprintf(stdout, "%s: ok — %s, %s, %s, %s, %s, %s; %v of traffic%s, about %.2f M requests, about %s of memory\n",
		s.Source, plural(len(t.POPs), "POP"), plural(len(t.Regions), "regional edge cache"), plural(len(t.Origins), "origin"),
		plural(len(t.Behaviors), "behaviour"), plural(len(t.Metros), "metro"), plural(len(t.Classes), "content class"),
		s.Workload.Duration, warm, s.Workload.ExpectedRequests()/1e6, scenarios.FormatBytes(s.Memory().Bytes))
	return exitOK
}

// plural is "1 origin" or "2 origins" ("1 class", "2 classes").
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	if strings.HasSuffix(word, "s") {
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
