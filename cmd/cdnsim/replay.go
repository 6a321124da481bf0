package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

const replaySynopsis = "cdnsim replay TRACE [--format csv|oracle|cloudfront] --policy P[,P...] --capacity N[,N...] [--ignore-size] [--admission A] [--json] [--seed N] [--parallel N]"

func init() {
	register(command{
		name:    "replay",
		summary: "replay a request trace through eviction policies and print miss ratios",
		run:     runReplay,
	})
}

// replayRun is one (policy, capacity) cell of a replay.
type replayRun struct {
	policy    string
	capacity  int64 // bytes, or objects with --ignore-size
	hint      int   // cache.Config.ObjectsHint
	admission string

	misses, byteMisses int64
	seconds            float64
}

// replayTrace is a decoded trace and the facts about it capacities are
// resolved against.
type replayTrace struct {
	reqs       []cache.Request
	totalBytes int64 // sum of request sizes, for the byte miss ratio
	objects    int64 // distinct objects
	wsBytes    int64 // sum of distinct objects' sizes (first size seen)
}

func runReplay(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("replay", replaySynopsis, stderr)
	format := flags.String("format", "", "trace format: csv, oracle or cloudfront (default: from the file name)")
	policyList := flags.String("policy", "", "eviction policies, comma-separated (have "+strings.Join(cache.PolicyNames(), ", ")+")")
	capList := flags.String("capacity", "", "cache capacities, comma-separated: bytes (64MB, 1GB; binary units), objects with --ignore-size, or a fraction of the working set (0.01 = 1%)")
	ignoreSize := flags.Bool("ignore-size", false, "every object weighs 1: capacities count objects")
	admission := flags.String("admission", "always", "admission policy, name or name:arg (have "+strings.Join(cache.AdmissionNames(), ", ")+")")
	asJSON := flags.Bool("json", false, "print one JSON object per run instead of a table")
	seed := flags.Uint64("seed", 1, "seed for policies and admissions that make random choices")
	parallel := flags.Int("parallel", runtime.GOMAXPROCS(0), "runs at once (1 for single-threaded timings)")
	pos, err := parseArgs(flags, args)
	if err != nil {
		return exitForParse(err)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "cdnsim replay: "+format+"\n", a...)
		return exitUsage
	}
	if len(pos) != 1 {
		return fail("want exactly one TRACE argument, got %d\nUsage: %s", len(pos), replaySynopsis)
	}
	path := pos[0]

	// Check every name before decoding a trace that may take a while.
	policies := listFlag(*policyList)
	if len(policies) == 0 {
		return fail("--policy is required (have %s)", strings.Join(cache.PolicyNames(), ", "))
	}
	for i, p := range policies {
		if _, err := cache.NewPolicy(p, cache.Config{Capacity: 1}); err != nil {
			return fail("--policy: %v", err)
		}
		policies[i] = strings.ToLower(p)
	}
	adm, err := cache.NewAdmission(*admission, *seed)
	if err != nil {
		return fail("--admission: %v", err)
	}
	capSpecs := listFlag(*capList)
	if len(capSpecs) == 0 {
		return fail("--capacity is required")
	}
	caps := make([]capSpec, len(capSpecs))
	for i, s := range capSpecs {
		if caps[i], err = parseCapSpec(s, *ignoreSize); err != nil {
			return fail("--capacity: %v", err)
		}
	}
	if *parallel < 1 {
		return fail("--parallel must be >= 1, got %d", *parallel)
	}
	tf, err := traceFormat(*format, path)
	if err != nil {
		return fail("%v", err)
	}

	tr, err := decodeTrace(path, tf)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) && !errors.Is(err, fs.ErrNotExist) {
			// an I/O failure, not bad input
			fmt.Fprintf(stderr, "cdnsim replay: %v\n", err)
			return exitFailure
		}
		return fail("%v", err)
	}
	if len(tr.reqs) == 0 {
		return fail("%s: the trace holds no requests", path)
	}
	if *ignoreSize {
		fmt.Fprintf(stderr, "%s: %d requests, %d objects\n", path, len(tr.reqs), tr.objects)
	} else {
		fmt.Fprintf(stderr, "%s: %d requests, %d objects, working set %s\n", path, len(tr.reqs), tr.objects, formatCapacity(tr.wsBytes, false))
	}
	resolved := make([]int64, len(caps))
	for i, c := range caps {
		resolved[i] = c.resolve(tr, *ignoreSize)
		if c.frac > 0 {
			fmt.Fprintf(stderr, "capacity %s of the working set = %s\n", c.text, formatCapacity(resolved[i], *ignoreSize))
		}
	}

	// The spec as given keeps the argument (max-size:1MB), which Name drops.
	admLabel := adm.Name()
	if a := strings.TrimSpace(*admission); strings.Contains(a, ":") {
		admLabel = a
	}
	runs := make([]replayRun, 0, len(policies)*len(caps))
	for _, p := range policies {
		for _, c := range resolved {
			runs = append(runs, replayRun{policy: p, capacity: c, hint: objectsHint(tr, c, *ignoreSize), admission: admLabel})
		}
	}
	if err := replayAll(tr, runs, *admission, *seed, *ignoreSize, *parallel); err != nil {
		fmt.Fprintf(stderr, "cdnsim replay: %v\n", err)
		return exitFailure
	}
	if *asJSON {
		err = writeReplayJSON(stdout, tr, runs)
	} else {
		err = writeReplayTable(stdout, tr, runs, *ignoreSize)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cdnsim replay: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// capSpec is one --capacity item: an absolute size, or a fraction of the
// working set resolved once the trace is decoded.
type capSpec struct {
	text string
	abs  int64
	frac float64
}

func parseCapSpec(s string, ignoreSize bool) (capSpec, error) {
	c := capSpec{text: s}
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || !(f > 0 && f <= 100) {
			return c, fmt.Errorf("%q: a percentage of the working set must be in (0%%, 100%%]", s)
		}
		c.frac = f / 100
		return c, nil
	}
	if strings.Contains(t, ".") {
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			if !(f > 0 && f <= 1) {
				return c, fmt.Errorf("%q: a fraction of the working set must be in (0, 1]", s)
			}
			c.frac = f
			return c, nil
		}
	}
	if ignoreSize {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("%q: with --ignore-size a capacity is a positive object count or a fraction such as 0.01", s)
		}
		c.abs = n
		return c, nil
	}
	n, err := cache.ParseSize(t)
	if err != nil {
		return c, err
	}
	if n <= 0 {
		return c, fmt.Errorf("%q: capacity must be > 0", s)
	}
	c.abs = n
	return c, nil
}

// resolve returns the capacity in bytes, or objects with ignoreSize. A
// fraction is truncated, as libCacheSim's cachesim does, so the same
// command line gives both tools the same cache size.
func (c capSpec) resolve(tr *replayTrace, ignoreSize bool) int64 {
	if c.frac == 0 {
		return c.abs
	}
	ws := tr.wsBytes
	if ignoreSize {
		ws = tr.objects
	}
	return max(1, int64(float64(ws)*c.frac))
}

// objectsHint estimates how many objects a capacity holds, for the
// sketches and filters sized from it (cache.Config.ObjectsHint): the
// capacity itself in object mode, else how many objects of the trace's
// mean (distinct-object) size fit; never more than the trace's distinct
// objects, all that a cache can hold, so a huge capacity is no huge hint.
func objectsHint(tr *replayTrace, capacity int64, ignoreSize bool) int {
	switch {
	case ignoreSize || tr.wsBytes == 0:
		return int(min(capacity, tr.objects))
	case capacity >= tr.wsBytes:
		return int(tr.objects)
	}
	return int(max(1, int64(float64(capacity)*float64(tr.objects)/float64(tr.wsBytes))))
}

// formatCapacity renders a capacity exactly: in a binary unit when that
// takes at most two decimals (64MB, 1.5GB), else in bytes (a fraction of a
// working set rarely comes out round).
func formatCapacity(n int64, ignoreSize bool) string {
	if ignoreSize {
		return strconv.FormatInt(n, 10) + " objects"
	}
	s := cache.FormatSize(n)
	if _, frac, ok := strings.Cut(s, "."); ok && len(strings.TrimRight(frac, "KMGTB")) > 2 {
		return strconv.FormatInt(n, 10) + "B"
	}
	return s
}

// decodeTrace reads the whole trace into memory, with Next filled in for
// belady: computed for CSV, as recorded in an oracleGeneral file.
func decodeTrace(path string, f workload.TraceFormat) (*replayTrace, error) {
	r, err := workload.OpenTrace(path, f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var recs []workload.TraceRecord
	if st, err := os.Stat(path); err == nil && f == workload.TraceOracle && !strings.HasSuffix(strings.ToLower(path), ".zst") {
		recs = make([]workload.TraceRecord, 0, st.Size()/24) // fixed-size records: no regrowing
	}
	var rec workload.TraceRecord
	for r.Next(&rec) { // the reader refuses sizes <= 0, naming the record
		recs = append(recs, rec)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if f != workload.TraceOracle {
		workload.ComputeNext(recs)
	}
	if f == workload.TraceCloudFront {
		// sc-bytes: an object weighs its largest transfer (IDs are dense).
		var sizes []int64
		for _, r := range recs {
			if r.ID == uint64(len(sizes)) {
				sizes = append(sizes, 1)
			}
			sizes[r.ID] = max(sizes[r.ID], r.Size)
		}
		for i := range recs {
			recs[i].Size = sizes[recs[i].ID]
		}
	}
	tr := &replayTrace{reqs: make([]cache.Request, len(recs))}
	seen := make(map[uint64]struct{}, len(recs)/8)
	for i, rec := range recs {
		next := rec.Next
		if next < 0 {
			next = cache.Never
		}
		tr.reqs[i] = cache.Request{ID: cache.ObjectID(rec.ID), Size: rec.Size, Time: rec.Time, Next: next}
		tr.totalBytes += rec.Size
		if _, ok := seen[rec.ID]; !ok {
			seen[rec.ID] = struct{}{}
			tr.wsBytes += rec.Size
		}
	}
	tr.objects = int64(len(seen))
	return tr, nil
}

// replayAll runs every cell over the shared, read-only trace on at most
// workers goroutines. Results land in runs[i], so the output order does not
// depend on which run finishes first.
func replayAll(tr *replayTrace, runs []replayRun, admission string, seed uint64, ignoreSize bool, workers int) error {
	workers = min(workers, len(runs))
	next := make(chan int)
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				errs[i] = replayOne(tr, &runs[i], admission, seed, ignoreSize)
			}
		})
	}
	for i := range runs {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func replayOne(tr *replayTrace, run *replayRun, admission string, seed uint64, ignoreSize bool) error {
	start := time.Now()
	p, err := cache.NewPolicy(run.policy, cache.Config{Capacity: run.capacity, Seed: seed, ObjectsHint: run.hint})
	if err != nil {
		return err
	}
	a, err := cache.NewAdmission(admission, seed)
	if err != nil {
		return err
	}
	c := cache.New(p, a, cache.Options{IgnoreSize: ignoreSize})
	var misses, byteMisses int64
	for _, r := range tr.reqs {
		if c.Get(r) == cache.Miss {
			misses++
			byteMisses += r.Size
			c.Put(r, 0)
		}
	}
	run.misses, run.byteMisses = misses, byteMisses
	run.seconds = time.Since(start).Seconds()
	return nil
}

func (r *replayRun) missRatio(tr *replayTrace) float64 {
	return float64(r.misses) / float64(len(tr.reqs))
}

func (r *replayRun) byteMissRatio(tr *replayTrace) float64 {
	if tr.totalBytes == 0 {
		return 0
	}
	return float64(r.byteMisses) / float64(tr.totalBytes)
}

// fixed6 marshals a float with 6 decimals, as the JSON output promises.
type fixed6 float64

func (f fixed6) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(f), 'f', 6, 64), nil
}

type replayJSON struct {
	Policy        string `json:"policy"`
	Admission     string `json:"admission"`
	Capacity      int64  `json:"capacity"`
	Requests      int    `json:"requests"`
	Misses        int64  `json:"misses"`
	MissRatio     fixed6 `json:"miss_ratio"`
	ByteMissRatio fixed6 `json:"byte_miss_ratio"`
	Seconds       fixed6 `json:"seconds"`
}

func writeReplayJSON(w io.Writer, tr *replayTrace, runs []replayRun) error {
	enc := json.NewEncoder(w)
	for i := range runs {
		r := &runs[i]
		if err := enc.Encode(replayJSON{
			Policy: r.policy, Admission: r.admission, Capacity: r.capacity,
			Requests: len(tr.reqs), Misses: r.misses,
			MissRatio: fixed6(r.missRatio(tr)), ByteMissRatio: fixed6(r.byteMissRatio(tr)),
			Seconds: fixed6(r.seconds),
		}); err != nil {
			return err
		}
	}
	return nil
}

func writeReplayTable(w io.Writer, tr *replayTrace, runs []replayRun, ignoreSize bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "policy\tadmission\tcapacity\trequests\tmisses\tmiss_ratio\tbyte_miss_ratio\tseconds\treq/s\t")
	for i := range runs {
		r := &runs[i]
		rate := "-"
		if r.seconds > 0 {
			rate = strconv.FormatFloat(float64(len(tr.reqs))/r.seconds, 'f', 0, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%.6f\t%.6f\t%.3f\t%s\t\n",
			r.policy, r.admission, formatCapacity(r.capacity, ignoreSize), len(tr.reqs), r.misses,
			r.missRatio(tr), r.byteMissRatio(tr), r.seconds, rate)
	}
	return tw.Flush()
}
