package main

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/topology/cache"
)

const compareSynopsis = "cdnsim compare SCENARIO --policies P[,P...] [--sizes S[,S...]] [--tier edge|regional] [-o DIR] [--seed N] [--set key=value]... [--parallel N] [--quiet]"

func init() {
	register(command{
		name:    "compare",
		summary: "run a scenario once per eviction policy × cache size and compare hit ratios",
		run:     compareCmd,
	})
}

// compareJob is one (policy, size) run of a comparison.
type compareJob struct {
	policy string
	size   int64
	scen   *scenarios.Scenario // the scenario with this job's overrides applied
	rec    *report.Recorder    // set when the run has finished
	err    error
	wall   time.Duration
}

func compareCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("compare", compareSynopsis+"\n\n"+
		"Simulates SCENARIO (a .toml path or a built-in name: "+joinNames(scenarios.Builtins())+")\n"+
		"once per policy and size, all with the same seed and so the same request stream,\n"+
		"and writes compare.csv, mrc.png (miss ratio against cache size) and\n"+
		"hit-ratio-by-policy.png (hit ratio over the day, at the largest size where the\n"+
		"policies differ by half a point or more) into DIR.\n"+
		"The policy and size apply to every cache of the tier: per-site policy overrides in\n"+
		"the scenario are cleared, and so are per-site capacities when --sizes is given.\n"+
		"Runs go in parallel, one per core; flags may come before or after SCENARIO.", stderr)
	policyList := fs.String("policies", "", "eviction policies to compare, comma-separated (have "+
		joinNames(onlinePolicies())+")")
	sizeList := fs.String("sizes", "", "cache sizes of each cache of the tier, comma-separated, e.g. 1GB,4GB,16GB\n(binary units; default: the scenario's own capacity for the tier)")
	tier := fs.String("tier", report.TierEdge, "the tier whose caches vary: edge (every POP) or regional (every regional edge cache)")
	out := fs.String("o", "", "output directory (default out/<scenario name>-compare)")
	seed := fs.Uint64("seed", 0, "random seed of every run (default: the scenario's seed)")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "runs at once, at most GOMAXPROCS (each run is single-threaded)")
	quiet := fs.Bool("quiet", false, "print nothing but errors: no progress lines, no table")
	var sets multiFlag
	fs.Var(&sets, "set", "override one scenario value in every run, e.g. --set workload.duration=2h (repeatable)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "cdnsim compare: "+format+"\n", a...)
		return exitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "cdnsim compare: want exactly one SCENARIO")
		fs.Usage()
		return exitUsage
	}

	// Check every flag before loading or running anything.
	policies, msg := parsePolicies(*policyList)
	if msg != "" {
		return fail("--policies: %s", msg)
	}
	sizes, msg := parseSizes(*sizeList)
	if msg != "" {
		return fail("--sizes: %s", msg)
	}
	prefix := map[string]string{report.TierEdge: "pops", report.TierRegional: "regions"}[*tier]
	if prefix == "" {
		return fail("--tier: unknown tier %q (want edge or regional)", *tier)
	}
	if *parallel < 1 {
		return fail("--parallel must be >= 1, got %d", *parallel)
	}
	// A run is CPU-bound on one goroutine: more at once than there are
	// processors only holds more networks in memory.
	*parallel = min(*parallel, runtime.GOMAXPROCS(0))

	base, code := loadScenario(pos[0], sets, stderr)
	if base == nil {
		return code
	}
	tt := base.File.POPs
	if *tier == report.TierRegional {
		tt = base.File.Regions
	}
	if len(tt.Sites) == 0 {
		return fail("--tier %s: %s has no %s sites to compare", *tier, base.Source, prefix)
	}
	// The tier's overrides follow the user's --set values, so they win.
	var tierSets []string
	capOverrides := 0
	for i, st := range tt.Sites {
		if st.Policy != "" {
			tierSets = append(tierSets, fmt.Sprintf("%s.sites[%d].policy=", prefix, i))
		}
		if st.Capacity != 0 {
			capOverrides++
			if len(sizes) > 0 {
				tierSets = append(tierSets, fmt.Sprintf("%s.sites[%d].capacity=0", prefix, i))
			}
		}
	}
	if len(sizes) == 0 {
		if tt.Capacity <= 0 {
			return fail("--sizes: %s sets no default %s.capacity; give the sizes to compare", base.Source, prefix)
		}
		sizes = []int64{int64(tt.Capacity)}
		if capOverrides > 0 && !*quiet {
			fmt.Fprintf(stderr, "note: %d %s sites of %s override %s.capacity and keep their own; the size column shows the tier default\n",
				capOverrides, prefix, base.Source, prefix)
		}
	}

	var jobs []*compareJob
	for _, p := range policies {
		for _, sz := range sizes {
			s := append(append(slices.Clone([]string(sets)), tierSets...),
				prefix+".policy="+p, fmt.Sprintf("%s.capacity=%d", prefix, sz))
			scen, code := loadScenario(pos[0], s, stderr)
			if scen == nil {
				return code
			}
			jobs = append(jobs, &compareJob{policy: p, size: sz, scen: scen})
		}
	}
	runSeed := base.Seed
	if flagSet(fs, "seed") {
		runSeed = *seed
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", base.Name+"-compare")
	}

	start := time.Now()
	var mu sync.Mutex // serialises the progress lines
	done := 0
	runJobs(jobs, *parallel, runSeed, func(j *compareJob) {
		if *quiet || j.err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		done++
		sum := j.rec.Summary()
		hr := sum.Tiers.Edge.HitRatio.Float()
		if *tier == report.TierRegional {
			hr = sum.Tiers.Regional.HitRatio.Float()
		}
		fmt.Fprintf(stderr, "[%*d/%d] %-10s %8s  %s hit ratio %6.2f%%  (%d requests, %.1fs)\n",
			len(fmt.Sprint(len(jobs))), done, len(jobs), j.policy, cache.FormatSize(j.size), *tier, 100*hr,
			sum.Requests, j.wall.Seconds())
	})
	for _, j := range jobs {
		if j.err != nil {
			fmt.Fprintf(stderr, "cdnsim compare: %s at %s: %v\n", j.policy, cache.FormatSize(j.size), j.err)
			return exitUsage
		}
	}
	runs := make([]report.CompareRun, len(jobs))
	for i, j := range jobs {
		runs[i] = report.CompareRun{Policy: j.policy, Size: j.size, Recorder: j.rec}
	}
	cmp, err := report.NewComparison(*tier, runs)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim compare:", err)
		return exitFailure
	}
	if err := cmp.WriteFiles(dir); err != nil {
		fmt.Fprintln(stderr, "cdnsim compare:", err)
		return exitFailure
	}
	if !*quiet {
		// Wall-clock time on stderr only: stdout and the files depend on
		// the inputs alone.
		fmt.Fprintf(stderr, "%d runs in %.1fs wall clock (%d at a time); wrote %s\n",
			len(jobs), time.Since(start).Seconds(), min(*parallel, len(jobs)), dir)
		fmt.Fprint(stdout, cmp.Table())
	}
	return exitOK
}

// runJobs simulates every job, parallel at a time. Each run owns its
// network, generator and recorder, so runs share nothing and their results
// do not depend on the scheduling. finished is called after each run, from
// the goroutine that ran it.
func runJobs(jobs []*compareJob, parallel int, seed uint64, finished func(*compareJob)) {
	next := make(chan *compareJob)
	var wg sync.WaitGroup
	for range min(parallel, len(jobs)) {
		wg.Go(func() {
			for j := range next {
				t0 := time.Now()
				r, err := j.scen.NewRun(seed)
				if err != nil {
					j.err = err
				} else {
					r.Simulate(nil)
					j.rec = r.Recorder
				}
				j.wall = time.Since(t0)
				finished(j)
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

// onlinePolicies are the registered policies the simulator can run: all
// but Belady, which needs to know the future.
func onlinePolicies() []string {
	return slices.DeleteFunc(cache.PolicyNames(), func(n string) bool { return n == "belady" })
}

// parsePolicies reads --policies; a non-empty message says what is wrong.
func parsePolicies(v string) ([]string, string) {
	names := listFlag(v)
	if len(names) == 0 {
		return nil, "give at least one policy, e.g. --policies lru,s3fifo (have " + joinNames(onlinePolicies()) + ")"
	}
	seen := map[string]bool{}
	for i, n := range names {
		n = strings.ToLower(n)
		names[i] = n
		switch {
		case n == "belady":
			return nil, "belady needs to know every future request, which the simulator's online path cannot; " +
				"compare it offline on the scenario's trace with cdnsim replay TRACE --policy belady,lru,... (cdnsim gen SCENARIO --format oracle -o TRACE writes one)"
		case !slices.Contains(cache.PolicyNames(), n):
			return nil, fmt.Sprintf("unknown eviction policy %q (have %s)", n, joinNames(onlinePolicies()))
		case seen[n]:
			return nil, fmt.Sprintf("%s is listed twice", n)
		}
		seen[n] = true
	}
	return names, ""
}

// parseSizes reads --sizes into ascending byte counts (nil when empty); a
// non-empty message says what is wrong.
func parseSizes(v string) ([]int64, string) {
	var sizes []int64
	for _, s := range listFlag(v) {
		n, err := cache.ParseSize(s)
		if err != nil {
			return nil, err.Error()
		}
		if n <= 0 {
			return nil, fmt.Sprintf("%q: a cache size must be > 0", s)
		}
		if slices.Contains(sizes, n) {
			return nil, fmt.Sprintf("%q is listed twice (%d bytes)", s, n)
		}
		sizes = append(sizes, n)
	}
	if v != "" && len(sizes) == 0 {
		return nil, fmt.Sprintf("%q lists no sizes (want e.g. 1GB,4GB,16GB)", v)
	}
	slices.Sort(sizes)
	return sizes, ""
}
