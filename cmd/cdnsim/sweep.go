package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/scenarios/sweep"
)

const sweepSynopsis = `cdnsim sweep SWEEP.toml [-o DIR] [-j N] [--quiet]
       cdnsim sweep plan SWEEP.toml [-o DIR]
       cdnsim sweep exec DIR [--task I | --tasks I-J] [-j N] [--quiet]
       cdnsim sweep merge DIR [--partial] [--quiet]
       cdnsim sweep status DIR
       cdnsim sweep slurm DIR [--partition P] [--time T] [--mem M] [--cpus-per-task C] [--max-parallel K] [--binary PATH] [--submit]`

const sweepHelp = sweepSynopsis + `

A sweep runs a scenario over a grid of settings, each point with several
seeds. SWEEP.toml names the base scenario, the seeds (replicates = N for
1..N, or seeds = [...]), fixed overrides under [set] and the axes under
[axes]: keys that --set accepts, each with a list of values.

  cdnsim sweep SWEEP.toml   plans, runs every run locally (-j at a time) and merges.
  plan    checks every point and writes DIR/plan.json: each run's ID, overrides, seed, task.
  exec    runs the runs of task I (or all tasks; the task from SLURM_ARRAY_TASK_ID
          when --task is absent) into DIR/runs/<id>/, skipping finished ones.
  merge   writes DIR/sweep.csv (a row per run), DIR/points.csv (mean and 95% CI per
          point) and DIR/plots/<metric>.png; fails listing missing runs unless --partial.
  status  lists done, failed and missing runs.
  slurm   writes DIR/slurm/array.sbatch (the pending tasks) and merge.sbatch; with
          --submit submits both, the merge after the array.

DIR defaults to out/<sweep name>.`

func init() {
	register(command{name: "sweep", summary: "run a scenario over a grid of settings and seeds, locally or as a Slurm job array", run: sweepCmd})
}

func sweepCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		sub := map[string]func([]string, io.Writer, io.Writer) int{
			"plan": sweepPlanCmd, "exec": sweepExecCmd, "merge": sweepMergeCmd,
			"status": sweepStatusCmd, "slurm": sweepSlurmCmd,
		}
		if f, ok := sub[args[0]]; ok {
			return f(args[1:], stdout, stderr)
		}
	}
	fs := newFlagSet("sweep", sweepHelp, stderr)
	out := fs.String("o", "", "sweep directory (default out/<sweep name>)")
	jobs := fs.Int("j", defaultJobs(), "runs at once (each run is single-threaded)")
	maxMemory := fs.String("max-memory", "", maxMemoryUsage)
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "cdnsim sweep: want exactly one SWEEP.toml, or a subcommand (plan, exec, merge, status, slurm)")
		fs.Usage()
		return exitUsage
	}
	if *jobs < 1 {
		fmt.Fprintf(stderr, "cdnsim sweep: -j must be >= 1, got %d\n", *jobs)
		return exitUsage
	}
	p, dir, code := planSweep(pos[0], *out, stderr)
	if p == nil {
		return code
	}
	if code := execRuns(p, dir, p.Runs, *jobs, *maxMemory, *quiet, stderr); code != exitOK {
		return code
	}
	return mergeSweep(p, dir, false, *quiet, stdout, stderr)
}

// sweepError reports err and maps it to an exit code: bad input (a
// *scenarios.Error names the file, line and key) is 2.
func sweepError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "cdnsim sweep:", err)
	return exitFor(err)
}

// exitFor is the exit code for err: 2 for bad input, else 1.
func exitFor(err error) int {
	var se *scenarios.Error
	if errors.As(err, &se) || errors.Is(err, os.ErrNotExist) {
		return exitUsage
	}
	return exitFailure
}

// defaultJobs is the runs a process executes at once: the CPUs Slurm gave
// the task, else the processors Go may use.
func defaultJobs() int {
	if n, err := strconv.Atoi(os.Getenv("SLURM_CPUS_PER_TASK")); err == nil && n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// planSweep reads and plans the sweep file and writes the plan into dir
// (default out/<sweep name>). Nothing is written when the sweep is bad.
func planSweep(file, dir string, stderr io.Writer) (*sweep.Plan, string, int) {
	sw, err := sweep.ReadFile(file)
	if err != nil {
		return nil, "", sweepError(stderr, err)
	}
	p, err := sw.Plan()
	if err != nil {
		return nil, "", sweepError(stderr, err)
	}
	if dir == "" {
		dir = filepath.Join("out", sw.Name)
	}
	if err := sw.WritePlan(dir, p); err != nil {
		return nil, "", sweepError(stderr, err)
	}
	return p, dir, exitOK
}

func sweepPlanCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep plan", "cdnsim sweep plan SWEEP.toml [-o DIR]\n\n"+
		"Checks every point of the sweep against its scenario and writes DIR/plan.json.", stderr)
	out := fs.String("o", "", "sweep directory (default out/<sweep name>)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "cdnsim sweep plan: want exactly one SWEEP.toml")
		fs.Usage()
		return exitUsage
	}
	p, dir, code := planSweep(pos[0], *out, stderr)
	if p == nil {
		return code
	}
	done := len(p.Runs) - len(p.Unfinished(dir))
	fmt.Fprintf(stdout, "%s: %d runs (%d points × %d seeds) in %d tasks; %d done already; wrote %s\n",
		p.Sweep, len(p.Runs), points(p), len(p.Runs)/max(1, points(p)), p.Tasks, done, filepath.Join(dir, sweep.PlanFile))
	return exitOK
}

func points(p *sweep.Plan) int {
	n := 1
	for _, d := range p.Axes {
		n *= len(d.Values)
	}
	return n
}

// readPlan reads DIR/plan.json for the subcommands that take DIR.
func readPlan(name string, fs *flag.FlagSet, pos []string, stderr io.Writer) (*sweep.Plan, string, int) {
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "cdnsim sweep %s: want exactly one DIR\n", name)
		fs.Usage()
		return nil, "", exitUsage
	}
	p, err := sweep.ReadPlan(pos[0])
	if err != nil {
		return nil, "", sweepError(stderr, err)
	}
	return p, pos[0], exitOK
}

func sweepExecCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep exec", "cdnsim sweep exec DIR [--task I | --tasks I-J] [-j N] [--quiet]\n\n"+
		"Runs the runs of the given tasks of DIR/plan.json whose results are not in DIR yet;\n"+
		"without --task or --tasks, the task in SLURM_ARRAY_TASK_ID, else every task.", stderr)
	task := fs.Int("task", -1, "the task to run")
	tasks := fs.String("tasks", "", "tasks to run: I-J, or a list like 0-3,7")
	jobs := fs.Int("j", defaultJobs(), "runs at once (default SLURM_CPUS_PER_TASK, else the processors)")
	maxMemory := fs.String("max-memory", "", maxMemoryUsage)
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	p, dir, code := readPlan("exec", fs, pos, stderr)
	if p == nil {
		return code
	}
	spec := *tasks
	switch {
	case flagSet(fs, "task") && spec != "":
		fmt.Fprintln(stderr, "cdnsim sweep exec: give --task or --tasks, not both")
		return exitUsage
	case flagSet(fs, "task"):
		spec = strconv.Itoa(*task)
	case spec == "":
		spec = os.Getenv("SLURM_ARRAY_TASK_ID")
	}
	if *jobs < 1 {
		fmt.Fprintf(stderr, "cdnsim sweep exec: -j must be >= 1, got %d\n", *jobs)
		return exitUsage
	}
	runs := p.Runs
	if spec != "" {
		sel, err := parseTasks(spec, p.Tasks)
		if err != nil {
			fmt.Fprintln(stderr, "cdnsim sweep exec:", err)
			return exitUsage
		}
		runs = nil
		for _, t := range sel {
			runs = append(runs, p.TaskRuns(t)...)
		}
	}
	return execRuns(p, dir, runs, *jobs, *maxMemory, *quiet, stderr)
}

// parseTasks reads "3", "3-9" or "0-3,7" into task indices below n.
func parseTasks(spec string, n int) ([]int, error) {
	var out []int
	for _, part := range strings.Split(spec, ",") {
		a, b, isRange := strings.Cut(strings.TrimSpace(part), "-")
		lo, err1 := strconv.Atoi(a)
		hi, err2 := lo, error(nil)
		if isRange {
			hi, err2 = strconv.Atoi(b)
		}
		if err1 != nil || err2 != nil || lo < 0 || hi < lo {
			return nil, fmt.Errorf("tasks %q: want I, I-J or a list like 0-3,7", spec)
		}
		if hi >= n {
			return nil, fmt.Errorf("task %d: the plan has tasks 0 to %d", hi, n-1)
		}
		for t := lo; t <= hi; t++ {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// execRuns runs the runs not yet done, jobs at once, with a progress bar
// on a terminal and a line per run elsewhere (a Slurm log). A failed run
// does not stop the others; the exit code is 1 if any failed. As many run
// at once as fit in --max-memory. An interrupt stops the runs under way
// and keeps the rest from starting; the finished ones are kept, and the
// exit code is 130 or 143.
func execRuns(p *sweep.Plan, dir string, runs []*sweep.Run, jobs int, maxMemory string, quiet bool, stderr io.Writer) int {
	jobs, code := planJobs("sweep", p, runs, min(jobs, runtime.GOMAXPROCS(0)), maxMemory, quiet, stderr)
	if code != exitOK {
		return code
	}
	in := watchInterrupts(stderr)
	defer in.Close()
	p.Stop = in.Stop()
	var bar *progressbar.ProgressBar
	if !quiet {
		bar = newRunsProgress(stderr, len(runs), "sweep "+p.Sweep)
	}
	var (
		mu                             sync.Mutex // serialises the counters and the lines
		done, skipped, failed, stopped int
		busy                           time.Duration
		start                          = time.Now()
		width                          = len(strconv.Itoa(len(runs)))
	)
	sweep.Each(runs, jobs, func(r *sweep.Run) {
		t0 := time.Now()
		skip, err := p.Execute(dir, r)
		d := time.Since(t0)
		mu.Lock()
		defer mu.Unlock()
		done++
		switch {
		case errors.Is(err, sweep.ErrStopped):
			stopped++
			return
		case err != nil:
			failed++
			fmt.Fprintf(stderr, "cdnsim sweep: run %s (%s) failed: %v\n", r.ID, p.Describe(r), err)
		case skip:
			skipped++
		default:
			busy += d
		}
		switch {
		case bar != nil:
			_ = bar.Add(1)
		case !quiet && err == nil:
			what := fmt.Sprintf("%.1fs", d.Seconds())
			if skip {
				what = "done already"
			}
			fmt.Fprintf(stderr, "[%*d/%d] run %s  %s  %s\n", width, done, len(runs), r.ID, p.Describe(r), what)
		}
	})
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(stderr)
	}
	if !quiet {
		// Wall-clock figures on stderr only: the files depend on the inputs alone.
		fmt.Fprintf(stderr, "%d runs (%d done already, %d failed) in %.1fs wall clock, %.1fs of simulation, %d at a time; results in %s\n",
			len(runs), skipped, failed, time.Since(start).Seconds(), busy.Seconds(), min(jobs, len(runs)), filepath.Join(dir, sweep.RunsDir))
	}
	if sig := in.Signal(); sig != nil {
		fmt.Fprintf(stderr, "cdnsim sweep: %s: %d runs stopped or not started (cdnsim sweep exec %s runs them); %d finished, in %s\n",
			signalName(sig), stopped, dir, len(runs)-stopped, filepath.Join(dir, sweep.RunsDir))
		return exitCodeFor(sig)
	}
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

// newRunsProgress is a bar over runs on w, or nil when w is not a terminal.
func newRunsProgress(w io.Writer, n int, what string) *progressbar.ProgressBar {
	if !isTerminal(w) {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetItsString("runs"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionFullWidth(),
	)
}

func sweepMergeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep merge", "cdnsim sweep merge DIR [--partial] [--quiet]\n\n"+
		"Writes DIR/sweep.csv, DIR/points.csv and DIR/plots/ from the finished runs.", stderr)
	partial := fs.Bool("partial", false, "merge the finished runs even if some are missing")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	p, dir, code := readPlan("merge", fs, pos, stderr)
	if p == nil {
		return code
	}
	return mergeSweep(p, dir, *partial, *quiet, stdout, stderr)
}

// mergeSweep writes the merged results, or lists the missing runs and
// writes nothing.
func mergeSweep(p *sweep.Plan, dir string, partial, quiet bool, stdout, stderr io.Writer) int {
	m, err := p.Merge(dir)
	if err != nil {
		return sweepError(stderr, err)
	}
	if len(m.Missing) > 0 {
		w := stderr
		if partial && quiet {
			w = io.Discard
		}
		fmt.Fprintf(w, "cdnsim sweep merge: %d of %d runs have no results:\n", len(m.Missing), len(p.Runs))
		for i, r := range m.Missing {
			if i == 20 {
				fmt.Fprintf(w, "  ... and %d more (cdnsim sweep status %s lists them)\n", len(m.Missing)-i, dir)
				break
			}
			fmt.Fprintf(w, "  task %d run %s  %s\n", r.Task, r.ID, p.Describe(r))
		}
		if !partial {
			fmt.Fprintf(stderr, "run them (cdnsim sweep exec %s, or cdnsim sweep slurm %s --submit) or merge with --partial\n", dir, dir)
			return exitFailure
		}
	}
	if err := m.WriteFiles(dir); err != nil {
		return sweepError(stderr, err)
	}
	if !quiet {
		fmt.Fprintf(stderr, "merged %d runs: wrote %s, %s and %s\n", len(m.Runs),
			filepath.Join(dir, sweep.SweepCSV), sweep.PointsCSV, sweep.PlotsDir+string(filepath.Separator))
		fmt.Fprint(stdout, m.Table())
	}
	return exitOK
}

func sweepStatusCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep status", "cdnsim sweep status DIR\n\nLists the sweep's done, failed and missing runs.", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	p, dir, code := readPlan("status", fs, pos, stderr)
	if p == nil {
		return code
	}
	st := p.Status(dir)
	fmt.Fprintf(stdout, "%s: %d runs in %d tasks: %d done, %d failed, %d missing\n",
		p.Sweep, len(p.Runs), p.Tasks, len(st.Done), len(st.Failed), len(st.Missing))
	for _, r := range st.Failed {
		fmt.Fprintf(stdout, "failed   task %d run %s  %s\n         %s\n", r.Task, r.ID, p.Describe(r), st.Reasons[r.ID])
	}
	for _, r := range st.Missing {
		fmt.Fprintf(stdout, "missing  task %d run %s  %s\n", r.Task, r.ID, p.Describe(r))
	}
	if left, _ := os.ReadDir(filepath.Join(dir, sweep.TmpDir)); len(left) > 0 {
		fmt.Fprintf(stdout, "%s holds %d unfinished run directories (killed runs, or runs in progress): safe to delete when nothing runs\n",
			filepath.Join(dir, sweep.TmpDir), len(left))
	}
	return exitOK
}

func sweepSlurmCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep slurm", "cdnsim sweep slurm DIR [--partition P] [--time T] [--mem M] [--cpus-per-task C] [--max-parallel K] [--binary PATH] [--submit]\n\n"+
		"Writes DIR/slurm/array.sbatch (a task per pending task of the plan) and merge.sbatch;\n"+
		"with --submit, submits both, the merge after the array. Run it again after failures:\n"+
		"it submits only the tasks with missing runs. DIR and the binary must be at the same\n"+
		"paths on every node.", stderr)
	var o sweep.Slurm
	fs.StringVar(&o.Partition, "partition", "", "Slurm partition (default: the cluster's)")
	fs.StringVar(&o.Time, "time", "", "time limit of a task, e.g. 30:00 (default: the partition's)")
	fs.StringVar(&o.Mem, "mem", "", "memory of a task, e.g. 2G (default: the partition's)")
	fs.IntVar(&o.CPUsPerTask, "cpus-per-task", 1, "CPUs of a task: its runs go this many at once")
	fs.IntVar(&o.MaxParallel, "max-parallel", 0, "at most this many tasks at once (the array's %K; 0: no limit)")
	fs.StringVar(&o.Binary, "binary", "", "cdnsim on the nodes (default: this binary)")
	submit := fs.Bool("submit", false, "submit the jobs with sbatch and print their IDs")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	p, dir, code := readPlan("slurm", fs, pos, stderr)
	if p == nil {
		return code
	}
	if o.CPUsPerTask < 1 || o.MaxParallel < 0 {
		fmt.Fprintln(stderr, "cdnsim sweep slurm: --cpus-per-task must be >= 1 and --max-parallel >= 0")
		return exitUsage
	}
	if o.Binary == "" {
		if o.Binary, err = os.Executable(); err != nil {
			return sweepError(stderr, err)
		}
		if strings.Contains(o.Binary, "go-build") {
			fmt.Fprintln(stderr, "cdnsim sweep slurm: this cdnsim is go run's temporary binary, gone when it exits: build one (go build ./cmd/cdnsim) or give --binary")
			return exitUsage
		}
	}
	if o.Binary, err = filepath.Abs(o.Binary); err != nil {
		return sweepError(stderr, err)
	}
	tasks, err := p.WriteScripts(dir, o)
	if err != nil {
		return sweepError(stderr, err)
	}
	scripts := filepath.Join(dir, sweep.SlurmDir)
	if len(tasks) == 0 {
		fmt.Fprintf(stderr, "every run is done: only the merge is left (%s)\n", filepath.Join(scripts, sweep.MergeScript))
	} else {
		fmt.Fprintf(stderr, "wrote %s (%d of %d tasks pending) and %s\n",
			filepath.Join(scripts, sweep.ArrayScript), len(tasks), p.Tasks, sweep.MergeScript)
	}
	if !*submit {
		return exitOK
	}
	arrayID, mergeID, err := sweep.Submit(dir, len(tasks) > 0)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim sweep slurm:", err)
		return exitFailure
	}
	if arrayID != "" {
		fmt.Fprintf(stdout, "submitted array job %s (%d tasks)\n", arrayID, len(tasks))
	}
	fmt.Fprintf(stdout, "submitted merge job %s\n", mergeID)
	return exitOK
}
