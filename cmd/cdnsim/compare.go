package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/scenarios/sweep"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

const compareSynopsis = "cdnsim compare SCENARIO --policies P[,P...] [--sizes S[,S...]] [--tier edge|regional] [-o DIR] [--seed N | --seeds N,M,... | --replicates K] [--set key=value]... [--parallel N] [--sample R] [--quiet]"

func init() {
	register(command{
		name:    "compare",
		summary: "run a scenario once per eviction policy × cache size and compare hit ratios",
		run:     compareCmd,
	})
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
		"With --seeds or --replicates every (policy, size) runs once per seed and the outputs\n"+
		"show means with 95% confidence intervals. It is a sweep with a policy axis and a\n"+
		"size axis (see cdnsim sweep), run in memory. Runs go in parallel, one per core;\n"+
		"flags may come before or after SCENARIO.", stderr)
	policyList := fs.String("policies", "", "eviction policies to compare, comma-separated (have "+
		joinNames(onlinePolicies())+")")
	sizeList := fs.String("sizes", "", "cache sizes of each cache of the tier, comma-separated, e.g. 1GB,4GB,16GB\n(binary units; default: the scenario's own capacity for the tier)")
	tier := fs.String("tier", report.TierEdge, "the tier whose caches vary: edge (every POP) or regional (every regional edge cache)")
	out := fs.String("o", "", "output directory (default out/<scenario name>-compare)")
	var seed seedFlag
	fs.Var(&seed, "seed", "random seed of every run, 0 to 2^64-1 (default: the scenario's seed)")
	seedList := fs.String("seeds", "", "run every point with each of these seeds, e.g. 1,7,42")
	replicates := fs.Int("replicates", 0, "run every point with seeds 1..K")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "runs at once, at most GOMAXPROCS (each run is single-threaded)")
	quiet := fs.Bool("quiet", false, "print nothing but errors: no progress lines, no table")
	maxMemory := fs.String("max-memory", "", maxMemoryUsage+"; runs at once need that much each")
	sample := fs.Float64("sample", 1, "run every point as a miniature at sample rate R, 0 < R ≤ 1 (sizes stay full-scale: the miniature's caches are R times them)")
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
	if _, err := workload.SampleSlice(*sample); err != nil {
		return fail("--sample: %v", err)
	}
	prefix := map[string]string{report.TierEdge: "pops", report.TierRegional: "regions"}[*tier]
	if prefix == "" {
		return fail("--tier: unknown tier %q (want edge or regional)", *tier)
	}
	if *parallel < 1 {
		return fail("--parallel must be >= 1, got %d", *parallel)
	}
	seeds, msg := parseSeeds(fs, uint64(seed), *seedList, *replicates)
	if msg != "" {
		return fail("%s", msg)
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

	// A sweep with a policy axis and a size axis; the tier's overrides
	// follow the user's --set values, so they win.
	sw := &sweep.Sweep{
		Name: base.Name + "-compare",
		Base: pos[0],
		Set:  append(slices.Clone([]string(sets)), tierSets...),
		Axes: []sweep.Axis{
			{Key: prefix + ".policy", Values: anys(policies)},
			{Key: prefix + ".capacity", Values: anys(sizes)},
		},
		Seeds:  seeds,
		Sample: *sample,
	}
	plan, err := sw.Plan()
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim compare:", err)
		return exitFor(err)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", base.Name+"-compare")
	}
	if *parallel, code = planJobs("compare", plan, plan.Runs, *parallel, *maxMemory, *quiet, stderr); code != exitOK {
		return code
	}
	manifestSeed := base.Seed
	if len(seeds) == 1 {
		manifestSeed = seeds[0]
	}
	o, code := startOutput("compare", dir, base, manifestSeed, stderr)
	if o == nil {
		return code
	}
	defer o.close()
	plan.Stop = o.Stop()

	start := time.Now()
	var mu sync.Mutex // serialises the progress lines
	done := 0
	recs := make([]*report.Recorder, len(plan.Runs))
	errs := make([]error, len(plan.Runs))
	index := map[*sweep.Run]int{}
	for i, r := range plan.Runs {
		index[r] = i
	}
	policyOf := func(r *sweep.Run) string { return policies[r.Index[0]] }
	sizeOf := func(r *sweep.Run) int64 { return sizes[r.Index[1]] }
	sweep.Each(plan.Runs, *parallel, func(r *sweep.Run) {
		t0 := time.Now()
		sr, err := plan.Simulate(r)
		wall := time.Since(t0)
		i := index[r]
		if errs[i] = err; err != nil {
			return
		}
		recs[i] = sr.Recorder
		if *quiet {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		done++
		sum := sr.Recorder.Summary()
		hr := sum.Tiers.Edge.HitRatio.Float()
		if *tier == report.TierRegional {
			hr = sum.Tiers.Regional.HitRatio.Float()
		}
		seedNote := ""
		if len(seeds) > 1 {
			seedNote = fmt.Sprintf(" seed %d", r.Seed)
		}
		fmt.Fprintf(stderr, "[%*d/%d] %-10s %8s%s  %s hit ratio %6.2f%%  (%d requests, %.1fs)\n",
			len(fmt.Sprint(len(plan.Runs))), done, len(plan.Runs), policyOf(r), cache.FormatSize(sizeOf(r)), seedNote,
			*tier, 100*hr, sum.Requests, wall.Seconds())
	})
	if o.interrupted() != exitOK {
		fmt.Fprintf(stderr, "cdnsim compare: interrupted: nothing written, %s left as it was\n", dir)
		return o.interrupted()
	}
	runs := make([]report.CompareRun, len(plan.Runs))
	for i, r := range plan.Runs {
		if errs[i] != nil {
			fmt.Fprintf(stderr, "cdnsim compare: %s at %s: %v\n", policyOf(r), cache.FormatSize(sizeOf(r)), errs[i])
			return exitUsage
		}
		runs[i] = report.CompareRun{Policy: policyOf(r), Size: sizeOf(r), Recorder: recs[i]}
	}
	cmp, err := report.NewComparison(*tier, runs)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim compare:", err)
		return exitFailure
	}
	if err := cmp.WriteFiles(o.Path()); err != nil {
		fmt.Fprintln(stderr, "cdnsim compare:", err)
		return exitFailure
	}
	if len(seeds) > 1 {
		o.manifest.Seeds = seeds
	}
	o.manifest.Overrides = append(o.manifest.Overrides, tierSets...)
	if err := o.commit(recs[0].Config().Duration, true); err != nil {
		fmt.Fprintln(stderr, "cdnsim compare:", err)
		return exitFailure
	}
	if !*quiet {
		// Wall-clock time on stderr only: stdout and the files depend on
		// the inputs alone.
		fmt.Fprintf(stderr, "%d runs in %.1fs wall clock (%d at a time); wrote %s\n",
			len(plan.Runs), time.Since(start).Seconds(), min(*parallel, len(plan.Runs)), dir)
		fmt.Fprint(stdout, cmp.Table())
	}
	return exitOK
}

// anys lists xs as sweep axis values.
func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// parseSeeds reads --seed, --seeds and --replicates (at most one of
// them) into a sweep's seeds: nil for the scenario's own; a non-empty
// message says what is wrong.
func parseSeeds(fs *flag.FlagSet, seed uint64, list string, replicates int) ([]uint64, string) {
	given := 0
	for _, name := range []string{"seed", "seeds", "replicates"} {
		if flagSet(fs, name) {
			given++
		}
	}
	switch {
	case given > 1:
		return nil, "give one of --seed, --seeds and --replicates"
	case flagSet(fs, "seed"):
		return []uint64{seed}, ""
	case flagSet(fs, "replicates"):
		if replicates < 1 {
			return nil, fmt.Sprintf("--replicates must be >= 1, got %d", replicates)
		}
		var out []uint64
		for i := range replicates {
			out = append(out, uint64(i+1))
		}
		return out, ""
	case flagSet(fs, "seeds"):
		var out []uint64
		for _, s := range listFlag(list) {
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return nil, fmt.Sprintf("--seeds: %q is not a seed (a whole number >= 0)", s)
			}
			if slices.Contains(out, n) {
				return nil, fmt.Sprintf("--seeds: %d is listed twice", n)
			}
			out = append(out, n)
		}
		if len(out) == 0 {
			return nil, "--seeds: give at least one seed, e.g. --seeds 1,2,3"
		}
		return out, ""
	}
	return nil, ""
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
