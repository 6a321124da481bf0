package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/report"
)

// compareShort is the built-in scenario cut to one hour, so a 2 × 2
// comparison takes about a second.
var compareShort = []string{"--set", "workload.duration=1h", "--set", "workload.spikes[0].at=30m", "--set", "warmup=0s"}

// compareArgs runs lru and fifo at 64MB and 256MB per POP into dir.
func compareArgs(dir string, extra ...string) []string {
	args := append([]string{"compare", "news-spike", "--policies", "lru,fifo", "--sizes", "256MB,64MB", "-o", dir}, compareShort...)
	return append(args, extra...)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCompareWritesOneRowPerRunInOrder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cmp")
	code, stdout, stderr := cli(t, compareArgs(dir)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := readCSV(t, filepath.Join(dir, report.CompareFile))
	if got := strings.Join(recs[0], ","); got != report.CompareHeader {
		t.Fatalf("header %q", got)
	}
	want := report.CompareHeader
	if want != "policy,size_bytes,size,edge_hit_ratio,edge_byte_hit_ratio,regional_hit_ratio,regional_byte_hit_ratio,origin_offload,origin_requests,origin_bytes,ttfb_p95_ms" {
		t.Fatalf("CompareHeader changed: %q", want)
	}
	var keys []string
	for _, r := range recs[1:] {
		keys = append(keys, r[0]+"/"+r[1]+"/"+r[2])
	}
	// Policies as given, sizes ascending although given descending.
	if got := strings.Join(keys, " "); got != "lru/67108864/64MB lru/268435456/256MB fifo/67108864/64MB fifo/268435456/256MB" {
		t.Fatalf("rows %s", got)
	}
	hr := func(row int) float64 {
		v, err := strconv.ParseFloat(recs[row][3], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// LRU is a stack algorithm: a larger cache holds a superset, so it
	// cannot hit less on the same stream.
	if hr(2) < hr(1) || hr(1) <= 0 {
		t.Errorf("lru edge hit ratio 64MB %v, 256MB %v: want 0 < small ≤ large", hr(1), hr(2))
	}
	// Fixed decimals: 6 for ratios, 3 for the latency.
	for _, r := range recs[1:] {
		if len(r[3]) != len("0.123456") || !strings.Contains(r[10], ".") || len(r[10])-strings.Index(r[10], ".") != 4 {
			t.Errorf("row %v: want %%.6f ratios and %%.3f TTFB", r)
		}
	}
	for _, name := range []string{report.MRCPlot, report.PolicyHitRatioPlot} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != 1000 || b.Dy() != 500 {
			t.Errorf("%s is %v, want 1000×500", name, b)
		}
	}
	// stdout: the table, rows in the CSV's order; stderr: a line per run
	// and the wall-clock time.
	if !strings.Contains(stdout, "news-spike (seed 1): edge tier, 2 policies × 2 sizes") ||
		!regexpMatch(`(?m)^lru +64MB +\d+\.\d\d% `, stdout) || !strings.Contains(stdout, "Best edge hit ratio: at 64MB ") {
		t.Errorf("stdout is not the table:\n%s", stdout)
	}
	if strings.Index(stdout, "fifo      64MB") < strings.Index(stdout, "lru       256MB") {
		t.Errorf("table rows out of order:\n%s", stdout)
	}
	if n := strings.Count(stderr, "edge hit ratio"); n != 4 || !strings.Contains(stderr, "[4/4]") || !strings.Contains(stderr, "wall clock") {
		t.Errorf("stderr: want 4 progress lines and the wall-clock time, got\n%s", stderr)
	}
	if strings.Contains(stdout, "wall clock") {
		t.Error("wall-clock time on stdout")
	}
}

// TestCompareRowMatchesARun checks a row against a plain `cdnsim run`
// with the same settings: the same stream and the same caches give the
// same result.
func TestCompareRowMatchesARun(t *testing.T) {
	t.Parallel()
	cmpDir, runDir := t.TempDir(), t.TempDir()
	if code, _, stderr := cli(t, compareArgs(cmpDir, "--quiet", "--seed", "7")...); code != exitOK {
		t.Fatal(stderr)
	}
	args := append([]string{"run", "news-spike", "--quiet", "-o", runDir, "--seed", "7",
		"--set", "pops.policy=fifo", "--set", "pops.capacity=256MB"}, compareShort...)
	if code, _, stderr := cli(t, args...); code != exitOK {
		t.Fatal(stderr)
	}
	var s report.Summary
	b, err := os.ReadFile(filepath.Join(runDir, report.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	e, g := s.Tiers.Edge, s.Tiers.Regional
	want := fmt.Sprintf("fifo,268435456,256MB,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%d,%.3f",
		e.HitRatio.Float(), e.ByteHitRatio.Float(), g.HitRatio.Float(), g.ByteHitRatio.Float(), s.OriginOffload.Requests.Float(),
		s.Tiers.Origin.Requests, s.Tiers.Origin.Bytes, s.Latency.P95)
	recs := readCSV(t, filepath.Join(cmpDir, report.CompareFile))
	if got := strings.Join(recs[4], ","); got != want {
		t.Fatalf("compare row\n%s\nrun summary\n%s", got, want)
	}
	if s.Seed != 7 || s.Requests == 0 || !(e.HitRatio.Float() > 0) {
		t.Fatalf("run summary %+v", s)
	}
}

func TestCompareIsTheSameInParallelAndInSequence(t *testing.T) {
	t.Parallel()
	var csvs [2][]byte
	for i, par := range []string{"1", "4"} {
		dir := t.TempDir()
		if code, _, stderr := cli(t, compareArgs(dir, "--quiet", "--parallel", par)...); code != exitOK {
			t.Fatal(stderr)
		}
		var err error
		if csvs[i], err = os.ReadFile(filepath.Join(dir, report.CompareFile)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(csvs[0], csvs[1]) {
		t.Fatalf("--parallel 1 and 4 differ:\n%s\n%s", csvs[0], csvs[1])
	}
}

func TestCompareRegionalTier(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := append([]string{"compare", "news-spike", "--quiet", "--tier", "regional", "--policies", "lru,sieve",
		"--sizes", "64MB", "-o", dir, "--set", "pops.capacity=64MB"}, compareShort...)
	if code, _, stderr := cli(t, args...); code != exitOK {
		t.Fatal(stderr)
	}
	recs := readCSV(t, filepath.Join(dir, report.CompareFile))
	if len(recs) != 3 || recs[1][0] != "lru" || recs[2][0] != "sieve" {
		t.Fatalf("rows %v", recs)
	}
	f := func(row, col int) float64 {
		v, err := strconv.ParseFloat(recs[row][col], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The POPs are the same in both runs. Their hit ratios still move a
	// little, because a regional hit brings the fill back sooner and so
	// changes which later requests collapse onto it; the regional tier is
	// what differs.
	if d := f(1, 3) - f(2, 3); d > 0.002 || d < -0.002 {
		t.Errorf("edge hit ratio %v with a regional lru, %v with sieve: want within 0.002", f(1, 3), f(2, 3))
	}
	if d := f(2, 5) - f(1, 5); d < 0.01 {
		t.Errorf("regional hit ratio lru %v, sieve %v: sieve should beat lru at 64MB by a point", f(1, 5), f(2, 5))
	}
}

// TestCompareDefaultsToTheScenarioCapacity: without --sizes the one size
// is the tier's capacity in the scenario (1GB per POP in news-spike).
func TestCompareDefaultsToTheScenarioCapacity(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := append([]string{"compare", "news-spike", "--quiet", "--policies", "lru", "-o", dir}, compareShort...)
	if code, _, stderr := cli(t, args...); code != exitOK {
		t.Fatal(stderr)
	}
	recs := readCSV(t, filepath.Join(dir, report.CompareFile))
	if len(recs) != 2 || recs[1][1] != "1073741824" || recs[1][2] != "1GB" {
		t.Fatalf("rows %v", recs)
	}
}

// TestCompareSizesOverrideSites: a site's own capacity gives way to
// --sizes, so every POP runs the compared size.
func TestCompareSizesOverrideSites(t *testing.T) {
	t.Parallel()
	withSite, plain := t.TempDir(), t.TempDir()
	base := append([]string{"compare", "news-spike", "--quiet", "--policies", "lru", "--sizes", "64MB"}, compareShort...)
	if code, _, stderr := cli(t, append(base, "-o", withSite, "--set", "pops.sites[0].capacity=8GB", "--set", "pops.sites[1].policy=fifo")...); code != exitOK {
		t.Fatal(stderr)
	}
	if code, _, stderr := cli(t, append(base, "-o", plain)...); code != exitOK {
		t.Fatal(stderr)
	}
	a, _ := os.ReadFile(filepath.Join(withSite, report.CompareFile))
	b, _ := os.ReadFile(filepath.Join(plain, report.CompareFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("site overrides survived --sizes:\n%s\n%s", a, b)
	}
}

func TestCompareBadInputExitsTwo(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "never")
	base := func(extra ...string) []string {
		return append([]string{"compare", "news-spike", "-o", out}, extra...)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{base("--policies", "lru,nope"), `--policies: unknown eviction policy "nope" (have `},
		{base("--policies", "lru,belady"), "cdnsim replay"},
		{base("--policies", "lru,LRU"), "lru is listed twice"},
		{base(), "--policies: give at least one policy"},
		{base("--policies", "lru", "--sizes", "1GB,lots"), `--sizes: "lots" is not a size`},
		{base("--policies", "lru", "--sizes", "0"), `--sizes: "0": a cache size must be > 0`},
		{base("--policies", "lru", "--sizes", "1GB,1024MB"), `--sizes: "1024MB" is listed twice`},
		{base("--policies", "lru", "--tier", "origin"), `--tier: unknown tier "origin" (want edge or regional)`},
		{base("--policies", "lru", "--parallel", "0"), "--parallel must be >= 1"},
		{base("--policies", "lru", "--set", "pops.capacity=-1GB"), "--set: pops.capacity"},
		{[]string{"compare", "--policies", "lru"}, "want exactly one SCENARIO"},
		{[]string{"compare", "no-such-scenario", "--policies", "lru"}, "no built-in scenario"},
	} {
		code, _, stderr := cli(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a rejected comparison left %s behind", out)
	}
}

func TestCompareHelp(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "compare", "--help")
	if code != exitOK || !strings.Contains(stdout+stderr, "Usage: cdnsim compare SCENARIO --policies") ||
		!strings.Contains(stderr, "per-site policy overrides") || strings.Contains(stderr, "belady,") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// TestCompareWithSeedsGivesMeansAndIntervals: with two seeds a row is the
// mean of the two single-seed comparisons' rows, and its interval is
// Student's: s = |a − b|/√2, half-width t(0.975, 1)·s/√2 = 12.706·|a − b|/2.
func TestCompareWithSeedsGivesMeansAndIntervals(t *testing.T) {
	t.Parallel()
	dirs := map[string]string{"3": t.TempDir(), "5": t.TempDir(), "both": t.TempDir()}
	for seed, dir := range dirs {
		// Ten minutes: a third of the time of compareShort's hour.
		extra := []string{"--quiet", "--set", "workload.duration=10m", "--seed", seed}
		if seed == "both" {
			extra = []string{"--quiet", "--set", "workload.duration=10m", "--seeds", "3,5"}
		}
		if code, _, stderr := cli(t, compareArgs(dir, extra...)...); code != exitOK {
			t.Fatal(stderr)
		}
	}
	a, b, both := readCSV(t, filepath.Join(dirs["3"], report.CompareFile)), readCSV(t, filepath.Join(dirs["5"], report.CompareFile)),
		readCSV(t, filepath.Join(dirs["both"], report.CompareFile))
	head := strings.Join(both[0], ",")
	if !strings.HasPrefix(head, report.CompareHeader+",seeds,edge_hit_ratio_ci95,") || !strings.HasSuffix(head, ",ttfb_p95_ms_ci95") {
		t.Fatalf("header %s", head)
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if len(both) != 5 {
		t.Fatalf("%d rows", len(both))
	}
	for row := 1; row < 5; row++ {
		if both[row][0] != a[row][0] || both[row][1] != a[row][1] || both[row][11] != "2" {
			t.Fatalf("row %d: %v against %v", row, both[row], a[row])
		}
		for col := 3; col <= 10; col++ {
			x, y := num(a[row][col]), num(b[row][col])
			mean, half := num(both[row][col]), num(both[row][col+9])
			// Rounding: a and b have 6 decimals (ratios), 0 (counts) or 3
			// (TTFB); the merged figures at least as many.
			tol := map[int]float64{8: 0.01, 9: 0.01, 10: 1e-3}[col]
			if tol == 0 {
				tol = 1e-6
			}
			if math.Abs(mean-(x+y)/2) > tol || math.Abs(half-12.70620474*math.Abs(x-y)/2) > 13*tol+1e-8*half {
				t.Errorf("row %d %s: %v ± %v, want the mean of %v and %v ± %v", row, both[0][col], mean, half, x, y, 12.70620474*math.Abs(x-y)/2)
			}
		}
	}
	// The regional caches differ between the seeds' streams, so the edge
	// hit ratio has an interval: not every half-width is zero.
	if num(both[1][12]) == 0 {
		t.Errorf("edge hit ratio of %v has no spread", both[1][:3])
	}
}

func TestCompareSeedFlags(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--seed", "1", "--replicates", "2"}, "give one of --seed, --seeds and --replicates"},
		{[]string{"--replicates", "0"}, "--replicates must be >= 1, got 0"},
		{[]string{"--seeds", "1,x"}, `--seeds: "x" is not a seed`},
		{[]string{"--seeds", "2,2"}, "--seeds: 2 is listed twice"},
	} {
		args := append([]string{"compare", "news-spike", "--policies", "lru", "-o", out}, tc.args...)
		code, _, stderr := cli(t, args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
