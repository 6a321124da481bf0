package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/workload"
)

func init() {
	register(command{name: "merge", summary: "add up the outputs of a run's shards (run --shard I/K) into one full-scale run", run: mergeCmd})
}

// sliceFlags checks run's --sample, --shard, --shards and -j and returns
// the slice to simulate (the zero Slice for --shards: each child takes its
// own).
func sliceFlags(fs *flag.FlagSet, sample float64, shard string, shards, jobs int) (workload.Slice, error) {
	n := 0
	for _, f := range []string{"sample", "shard", "shards"} {
		if flagSet(fs, f) {
			n++
		}
	}
	if n > 1 {
		return workload.Slice{}, errors.New("--sample, --shard and --shards exclude one another")
	}
	if flagSet(fs, "j") && !flagSet(fs, "shards") {
		return workload.Slice{}, errors.New("-j is the number of shards at once: it needs --shards")
	}
	switch {
	case flagSet(fs, "shards"):
		if shards < 1 {
			return workload.Slice{}, fmt.Errorf("--shards %d: want at least 1", shards)
		}
		if flagSet(fs, "j") && jobs < 1 {
			return workload.Slice{}, fmt.Errorf("-j %d: want at least 1", jobs)
		}
		return workload.Slice{}, nil
	case flagSet(fs, "shard"):
		sl, err := workload.ParseShard(shard)
		if err != nil {
			return sl, fmt.Errorf("--shard: %v", err)
		}
		return sl, nil
	}
	sl, err := workload.SampleSlice(sample)
	if err != nil {
		return sl, fmt.Errorf("--sample: %v", err)
	}
	return sl, nil
}

// shardRun is `cdnsim run --shards K`: what each child needs.
type shardRun struct {
	scenario string
	sets     []string
	seed     uint64
	k, jobs  int
	dir      string
	quiet    bool
}

// selfCommand is how a shard's process is started: this binary (tests
// replace it with theirs).
var selfCommand = func(args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.Command(exe, args...), nil
}

// runShards runs the K shards as separate processes of this binary, jobs
// at once, each into dir/shards/I, then merges them into dir. Processes,
// not goroutines: each has its own heap and GC, and the same command line
// runs a shard on another machine or as a job-array task.
func runShards(sr shardRun, stdout, stderr io.Writer) int {
	jobs := sr.jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	dirs := make([]string, sr.k)
	codes := make([]int, sr.k)
	outs := make([]bytes.Buffer, sr.k)
	start := time.Now()
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i := range sr.k {
		dirs[i] = filepath.Join(sr.dir, "shards", strconv.Itoa(i))
		args := []string{"run", sr.scenario, "--shard", fmt.Sprintf("%d/%d", i, sr.k), "-o", dirs[i],
			"--seed", strconv.FormatUint(sr.seed, 10), "--quiet"}
		for _, s := range sr.sets {
			args = append(args, "--set", s)
		}
		cmd, err := selfCommand(args...)
		if err != nil {
			fmt.Fprintln(stderr, "cdnsim run:", err)
			return exitFailure
		}
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := cmd.Run(); err != nil {
				codes[i] = exitFailure
				var ee *exec.ExitError
				if errors.As(err, &ee) && ee.ExitCode() > 0 {
					codes[i] = ee.ExitCode()
				}
				fmt.Fprintf(&outs[i], "%v\n", err)
			}
		}()
	}
	wg.Wait()
	worst := exitOK
	for i, c := range codes {
		if c != exitOK {
			fmt.Fprintf(stderr, "cdnsim run: shard %d/%d failed:\n%s", i, sr.k, outs[i].String())
			worst = max(worst, c)
		}
	}
	if worst != exitOK {
		return worst
	}
	code := mergeInto(dirs, sr.dir, sr.quiet, stdout, stderr)
	if code == exitOK && !sr.quiet {
		fmt.Fprintf(stderr, "ran %d shards, %d at a time, in %.1fs; merged into %s\n", sr.k, jobs, time.Since(start).Seconds(), sr.dir)
	}
	return code
}

func mergeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("merge", "cdnsim merge [-o DIR] [--quiet] SHARDDIR...\n\n"+
		"Adds up the outputs of the K shards of one run (cdnsim run --shard I/K, each\n"+
		"in its own directory with its counts.json) into one full-scale summary.json,\n"+
		"timeseries.csv and plots in DIR, with the spread between the shards in\n"+
		"summary.json's shard_spread. Every shard must be given once, all of the same\n"+
		"scenario, seed and K.", stderr)
	out := fs.String("o", "", "output directory (default out/<scenario name>)")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) == 0 {
		fmt.Fprintln(stderr, "cdnsim merge: want the shards' output directories")
		fs.Usage()
		return exitUsage
	}
	return mergeInto(pos, *out, *quiet, stdout, stderr)
}

// mergeInto merges the shards in dirs and writes the result into dir
// ("" is out/<scenario>).
func mergeInto(dirs []string, dir string, quiet bool, stdout, stderr io.Writer) int {
	r, err := report.MergeShards(dirs)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim merge:", err)
		var me *report.MergeError
		if errors.As(err, &me) {
			return exitUsage
		}
		return exitFailure
	}
	if dir == "" {
		dir = filepath.Join("out", r.Config().Scenario)
	}
	if err := r.WriteFiles(dir); err != nil {
		fmt.Fprintln(stderr, "cdnsim merge:", err)
		return exitFailure
	}
	if !quiet {
		fmt.Fprintln(stdout, r.Summary().Text())
	}
	return exitOK
}
