package report

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

// firstFive records handOutcomes[:5] (POP A's first 3 s): 2 hits, 2
// misses (one regional hit, one origin fetch of 400 B) and a collapse.
func firstFive() *Recorder {
	r := NewRecorder(handConfig())
	for i := range 5 {
		o := handOutcomes[i]
		r.Observe(&o)
	}
	return r
}

// Rows worked out by hand from handOutcomes (see TestHandComputed):
// all ten: edge 4 hits of 9 cacheable (500 of 2500 cacheable bytes),
// regional 1 hit of 4 (300 of 1600 B), 3 origin fetches (1900 B) of 10;
// first five: edge 2/5 (300/1400 B), regional 1/2 (300/700 B), 1 of 5.
const (
	allTen   = ",0.444444,0.200000,0.250000,0.187500,0.700000,3,1900,"
	fiveOnly = ",0.400000,0.214286,0.500000,0.428571,0.800000,1,400,"
)

func TestComparisonCSVOrdersByPolicyThenSize(t *testing.T) {
	t.Parallel()
	c, err := NewComparison(TierEdge, []CompareRun{
		{Policy: "sieve", Size: 2 << 20, Recorder: handRecorder()},
		{Policy: "lru", Size: 2 << 20, Recorder: handRecorder()},
		{Policy: "sieve", Size: 1536, Recorder: firstFive()},
		{Policy: "lru", Size: 1536, Recorder: firstFive()},
	})
	if err != nil {
		t.Fatal(err)
	}
	p95 := func(r *Recorder) string { return fmt.Sprintf("%.3f", r.Summary().Latency.P95) }
	want := CompareHeader + "\n" +
		"sieve,1536,1.5KB" + fiveOnly + p95(firstFive()) + "\n" +
		"sieve,2097152,2MB" + allTen + p95(handRecorder()) + "\n" +
		"lru,1536,1.5KB" + fiveOnly + p95(firstFive()) + "\n" +
		"lru,2097152,2MB" + allTen + p95(handRecorder()) + "\n"
	if got := string(c.CSV()); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// The latency column is the run's p95, which lies between the 10 ms
	// hits and the 300 ms bypass.
	if p := handRecorder().Summary().Latency.P95; p < 200 || p > 300 {
		t.Errorf("p95 %v ms", p)
	}
}

func TestComparisonTable(t *testing.T) {
	t.Parallel()
	c, err := NewComparison(TierRegional, []CompareRun{
		{Policy: "lru", Size: 1 << 30, Recorder: handRecorder()},
		{Policy: "lru", Size: 1 << 20, Recorder: firstFive()},
		{Policy: "fifo", Size: 1 << 20, Recorder: handRecorder()},
		{Policy: "fifo", Size: 1 << 30, Recorder: handRecorder()},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Table()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if lines[0] != "hand (seed 42): regional tier, 2 policies × 2 sizes" || lines[1] != "" {
		t.Fatalf("heading:\n%s", got)
	}
	head := lines[2]
	if !strings.HasPrefix(head, "policy  size ") || !strings.HasSuffix(head, "TTFB p95") {
		t.Errorf("column heads: %q", head)
	}
	wantRows := []string{"lru     1MB ", "lru     1GB ", "fifo    1MB ", "fifo    1GB "}
	for i, w := range wantRows {
		row := lines[3+i]
		// Numbers align right, so every row ends where the heading does.
		if !strings.HasPrefix(row, w) || len([]rune(row)) != len([]rune(head)) {
			t.Errorf("row %d %q: want prefix %q and width %d", i, row, w, len([]rune(head)))
		}
	}
	if !strings.Contains(lines[3], " 40.00% ") || !strings.Contains(lines[3], " 50.00% ") || !strings.Contains(lines[4], " 44.44% ") {
		t.Errorf("percentages:\n%s", got)
	}
	// Regional hit ratio: 50% for lru at 1MB (five requests) against 25%;
	// at 1GB both ran the same ten requests.
	if want := "Best regional hit ratio: at 1MB lru (50.00%); at 1GB all policies tie (25.00%)."; lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
	// The plot over time skips 1GB, where the policies coincide.
	shown, narrowed := c.shownRuns()
	var got2 []string
	for _, i := range shown {
		got2 = append(got2, c.runs[i].Policy+"/"+fmt.Sprint(c.runs[i].Size))
	}
	if strings.Join(got2, " ") != "lru/1048576 fifo/1048576" || !narrowed {
		t.Errorf("time plot shows %v (narrowed %v), want the 1MB runs", got2, narrowed)
	}
}

func TestNewComparisonRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tier string
		runs []CompareRun
		want string
	}{
		{"origin", []CompareRun{{Policy: "lru", Size: 1, Recorder: handRecorder()}}, `unknown tier "origin"`},
		{TierEdge, nil, "at least one run"},
		{TierEdge, []CompareRun{{Policy: "lru", Size: 1 << 30}}, "run lru/1GB has no recorder"},
	} {
		if _, err := NewComparison(tc.tier, tc.runs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.tier, err, tc.want)
		}
	}
}

func TestComparisonWriteFiles(t *testing.T) {
	t.Parallel()
	cfg := synthConfig()
	var runs []CompareRun
	for i, pol := range []string{"lru", "s3fifo", "sieve"} {
		for j, size := range []int64{256 << 20, 1 << 30, 4 << 30} {
			r := NewRecorder(cfg)
			synthDay(r, uint64(10*i+j), 0.2)
			runs = append(runs, CompareRun{Policy: pol, Size: size, Recorder: r})
		}
	}
	c, err := NewComparison(TierEdge, runs)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "new", "dir")
	if err := c.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listDir(t, dir), " "); got != "compare.csv hit-ratio-by-policy.png mrc.png" {
		t.Fatalf("files: %s", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, CompareFile))
	if !bytes.Equal(b, c.CSV()) || bytes.Count(b, []byte("\n")) != 10 {
		t.Errorf("compare.csv:\n%s", b)
	}
	for _, name := range []string{MRCPlot, PolicyHitRatioPlot} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != plotWidthPx || b.Dy() != plotHeight {
			t.Errorf("%s: %v", name, b)
		}
	}
	// Into a path that is a file: an error, and nothing half-written.
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteFiles(file); err == nil {
		t.Error("WriteFiles into a file succeeded")
	}
}

// A single run still draws: one point on the MRC, one line over time.
func TestComparisonOfOneRunDraws(t *testing.T) {
	t.Parallel()
	c, err := NewComparison(TierRegional, []CompareRun{{Policy: "lru", Size: 8 << 30, Recorder: handRecorder()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteFiles(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.Table(), "Best") {
		t.Errorf("a best line with one policy:\n%s", c.Table())
	}
}

func TestSizeTicker(t *testing.T) {
	t.Parallel()
	labels := func(sizes []int64, lo, hi float64) (string, int) {
		var l []string
		ts := sizeTicker(sizes)(lo, hi)
		for _, t := range ts {
			if t.Label != "" {
				l = append(l, t.Label)
			}
		}
		return strings.Join(l, " "), len(ts)
	}
	// Powers of two between the sizes get labels while there is room.
	if got, n := labels([]int64{256 << 20, 1 << 30, 4 << 30}, float64(256<<20)/1.5, float64(4<<30)*1.5); got != "256MB 512MB 1GB 2GB 4GB" || n != 5 {
		t.Errorf("got %q (%d ticks)", got, n)
	}
	// A size that is no power of two keeps its own label.
	if got, _ := labels([]int64{3 << 30}, 1.5*(1<<30), 6*(1<<30)); got != "2GB 3GB 4GB" {
		t.Errorf("got %q", got)
	}
	// Over a wide range only the compared sizes are labelled.
	if got, n := labels([]int64{1 << 20, 1 << 40}, 1<<19, 1<<41); got != "1MB 1TB" || n != 23 {
		t.Errorf("got %q (%d ticks)", got, n)
	}
}

func TestPercentTicker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{
		{47, 58, "48 50 52 54 56 58"},
		{0, 100, "0 20 40 60 80 100"},
		{30, 80, "30 40 50 60 70 80"},
		{49.5, 50.5, "49.6 49.8 50 50.2 50.4"},
	} {
		var l []string
		for _, t := range (percentTicker{}).Ticks(tc.lo, tc.hi) {
			if t.Label != "" {
				l = append(l, t.Label)
			}
		}
		if got := strings.Join(l, " "); got != tc.want {
			t.Errorf("[%v, %v]: %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

// TestComparisonShortRun: the time plot follows the runs' own interval
// and duration (here 2-second bins over 20 s).
func TestComparisonShortRun(t *testing.T) {
	t.Parallel()
	cfg := handConfig()
	cfg.Interval = 2 * sim.Second
	r := NewRecorder(cfg)
	for i := range handOutcomes {
		o := handOutcomes[i]
		r.Observe(&o)
	}
	c, err := NewComparison(TierEdge, []CompareRun{{Policy: "lru", Size: 1 << 20, Recorder: r}, {Policy: "fifo", Size: 1 << 20, Recorder: r}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := renderPNG(c.drawHitRatioByPolicy); err != nil {
		t.Fatal(err)
	}
}

// reseeded is r's outcomes recorded as a run with another seed.
func reseeded(seed uint64, n int) *Recorder {
	cfg := handConfig()
	cfg.Seed = seed
	r := NewRecorder(cfg)
	for i := range n {
		o := handOutcomes[i]
		r.Observe(&o)
	}
	return r
}

func TestComparisonOfSeedsShowsMeansAndIntervals(t *testing.T) {
	t.Parallel()
	// Seed 42 sees all ten outcomes (edge hit ratio 4/9), seed 43 the first
	// five (2/5): mean 0.422222, half-width t(0.975, 1)·|4/9 − 2/5|/2.
	c, err := NewComparison(TierEdge, []CompareRun{
		{Policy: "lru", Size: 1536, Recorder: reseeded(42, 10)},
		{Policy: "lru", Size: 1536, Recorder: reseeded(43, 5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(string(c.CSV()), "\n")
	half := 12.706204736 * (4.0/9 - 2.0/5) / 2
	if !strings.HasPrefix(rows[1], "lru,1536,1.5KB,0.422222,") || !strings.Contains(rows[1], fmt.Sprintf(",2,%.6f,", half)) ||
		!strings.Contains(rows[1], ",2.00,1150.00,") {
		t.Errorf("row %s: want edge 0.422222, 2 seeds, ci %.6f, origin requests mean 2, bytes 1150", rows[1], half)
	}
	tab := c.Table()
	if !strings.HasPrefix(tab, "hand (seeds 42–43): edge tier, 1 policy × 1 size\n") || !strings.Contains(tab, fmt.Sprintf("42.22%% ±%.2f%%", 100*half)) {
		t.Errorf("table:\n%s", tab)
	}
	if _, err := NewComparison(TierEdge, []CompareRun{
		{Policy: "lru", Size: 1536, Recorder: reseeded(42, 10)},
		{Policy: "lru", Size: 1536, Recorder: reseeded(42, 5)},
	}); err == nil || !strings.Contains(err.Error(), "run lru/1.5KB with seed 42 is given twice") {
		t.Errorf("a seed twice: %v", err)
	}
	if _, err := renderPNG(c.drawMRC); err != nil {
		t.Error(err)
	}
}
