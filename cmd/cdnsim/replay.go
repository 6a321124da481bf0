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
	"text/tabwriter"

	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/topology/cache/replay"
)

const replaySynopsis = "cdnsim replay TRACE [--format csv|oracle|cloudfront] --policy P[,P...] --capacity N[,N...] [--ignore-size] [--admission A] [--json] [--seed N] [--parallel N]"

func init() {
	register(command{
		name:    "replay",
		summary: "replay a request trace through eviction policies and print miss ratios",
		run:     runReplay,
	})
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
	caps := make([]replay.Capacity, len(capSpecs))
	for i, s := range capSpecs {
		if caps[i], err = replay.ParseCapacity(s, *ignoreSize); err != nil {
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

	tr, err := replay.Load(path, tf)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) && !errors.Is(err, fs.ErrNotExist) {
			// an I/O failure, not bad input
			fmt.Fprintf(stderr, "cdnsim replay: %v\n", err)
			return exitFailure
		}
		return fail("%v", err)
	}
	defer tr.Close()
	if tr.Len() == 0 {
		return fail("%s: the trace holds no requests", path)
	}
	if *ignoreSize {
		fmt.Fprintf(stderr, "%s: %d requests, %d objects\n", path, tr.Len(), tr.Objects)
	} else {
		fmt.Fprintf(stderr, "%s: %d requests, %d objects, working set %s\n", path, tr.Len(), tr.Objects, formatCapacity(tr.WorkingSet, false))
	}
	resolved := make([]int64, len(caps))
	for i, c := range caps {
		resolved[i] = c.Resolve(tr, *ignoreSize)
		if c.Fraction() > 0 {
			fmt.Fprintf(stderr, "capacity %s of the working set = %s\n", c.Text, formatCapacity(resolved[i], *ignoreSize))
		}
	}

	// The spec as given keeps the argument (max-size:1MB), which Name drops.
	admLabel := adm.Name()
	if a := strings.TrimSpace(*admission); strings.Contains(a, ":") {
		admLabel = a
	}
	runs := make([]replay.Run, 0, len(policies)*len(caps))
	for _, p := range policies {
		for _, c := range resolved {
			runs = append(runs, replay.Run{Policy: p, Capacity: c, Admission: *admission})
		}
	}
	if err := tr.Replay(runs, replay.Options{IgnoreSize: *ignoreSize, Seed: *seed, Workers: *parallel}); err != nil {
		fmt.Fprintf(stderr, "cdnsim replay: %v\n", err)
		return exitFailure
	}
	if *asJSON {
		err = writeReplayJSON(stdout, tr, runs, admLabel)
	} else {
		err = writeReplayTable(stdout, tr, runs, admLabel, *ignoreSize)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cdnsim replay: %v\n", err)
		return exitFailure
	}
	return exitOK
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

func writeReplayJSON(w io.Writer, tr *replay.Trace, runs []replay.Run, admission string) error {
	enc := json.NewEncoder(w)
	for i := range runs {
		r := &runs[i]
		if err := enc.Encode(replayJSON{
			Policy: r.Policy, Admission: admission, Capacity: r.Capacity,
			Requests: tr.Len(), Misses: r.Misses,
			MissRatio: fixed6(r.MissRatio(tr)), ByteMissRatio: fixed6(r.ByteMissRatio(tr)),
			Seconds: fixed6(r.Seconds),
		}); err != nil {
			return err
		}
	}
	return nil
}

func writeReplayTable(w io.Writer, tr *replay.Trace, runs []replay.Run, admission string, ignoreSize bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "policy\tadmission\tcapacity\trequests\tmisses\tmiss_ratio\tbyte_miss_ratio\tseconds\treq/s\t")
	for i := range runs {
		r := &runs[i]
		rate := "-"
		if r.Seconds > 0 {
			rate = strconv.FormatFloat(float64(tr.Len())/r.Seconds, 'f', 0, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%.6f\t%.6f\t%.3f\t%s\t\n",
			r.Policy, admission, formatCapacity(r.Capacity, ignoreSize), tr.Len(), r.Misses,
			r.MissRatio(tr), r.ByteMissRatio(tr), r.Seconds, rate)
	}
	return tw.Flush()
}
