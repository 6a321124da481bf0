package report

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/cdnsim/cdnsim/topology/cache"
)

// The cache tiers a comparison can vary.
const (
	TierEdge     = "edge"     // the POPs
	TierRegional = "regional" // the regional edge caches
)

// Output file names written by Comparison.WriteFiles.
const (
	CompareFile        = "compare.csv"
	MRCPlot            = "mrc.png"
	PolicyHitRatioPlot = "hit-ratio-by-policy.png"
)

// compareMetrics are compare.csv's figures, after the policy and the size.
var compareMetrics = metricsNamed("edge_hit_ratio", "edge_byte_hit_ratio", "regional_hit_ratio", "regional_byte_hit_ratio",
	"origin_offload", "origin_requests", "origin_bytes", "ttfb_p95_ms")

// CompareHeader is the first line of compare.csv. One row per run: the
// policy, the cache size of the compared tier (bytes, then as "1GB"), the
// request and byte hit ratios of both tiers (as in summary.json: each tier
// conditional on reaching it, bypass excluded), the overall hit ratio,
// origin fetches and bytes, and the run's TTFB p95 (ms). With several
// seeds a row is a (policy, size) point: the figures are means over the
// seeds, and the header goes on with "seeds" and a 95% confidence
// half-width per figure (name_ci95).
const CompareHeader = "policy,size_bytes,size,edge_hit_ratio,edge_byte_hit_ratio," +
	"regional_hit_ratio,regional_byte_hit_ratio,origin_offload,origin_requests,origin_bytes,ttfb_p95_ms"

// CompareRun is one simulation of a comparison: every cache of the
// compared tier ran Policy with Size bytes, on the same request stream as
// the other runs with the same seed (the Recorder's).
type CompareRun struct {
	Policy   string
	Size     int64
	Recorder *Recorder
}

// Comparison is a set of runs of one scenario that differ only in the
// compared tier's eviction policy and cache size, and, when replicated, in
// the seed. A (policy, size) point is shown by its first seed's run where
// a figure needs one run (the hit ratio over time), else by the mean over
// its seeds.
type Comparison struct {
	tier    string
	runs    []CompareRun // a run per point, its first seed's
	sums    []Summary    // of runs
	reps    [][]Summary  // per point, every seed's, the first first
	seeds   []uint64     // in order of first appearance
	polys   []string     // policies in first-appearance order
	largest []int        // per policy, the index in runs of its largest size
	byKey   map[string]int
}

// NewComparison groups runs into (policy, size) points, the runs of a
// point being its seeds, and orders the points by policy (in the order they
// first appear) then by size ascending, which is the order of every output.
func NewComparison(tier string, runs []CompareRun) (*Comparison, error) {
	if tier != TierEdge && tier != TierRegional {
		return nil, fmt.Errorf("report: unknown tier %q (want %s or %s)", tier, TierEdge, TierRegional)
	}
	if len(runs) == 0 {
		return nil, errors.New("report: a comparison needs at least one run")
	}
	c := &Comparison{tier: tier, byKey: map[string]int{}}
	rank := map[string]int{}
	seen := map[uint64]bool{}
	var reps [][]CompareRun
	for _, r := range runs {
		if r.Recorder == nil {
			return nil, fmt.Errorf("report: run %s/%s has no recorder", r.Policy, cache.FormatSize(r.Size))
		}
		if _, ok := rank[r.Policy]; !ok {
			rank[r.Policy] = len(c.polys)
			c.polys = append(c.polys, r.Policy)
		}
		if seed := r.Recorder.cfg.Seed; !seen[seed] {
			seen[seed] = true
			c.seeds = append(c.seeds, seed)
		}
		key := fmt.Sprint(r.Policy, "/", r.Size)
		if i, ok := c.byKey[key]; ok {
			for _, o := range reps[i] {
				if o.Recorder.cfg.Seed == r.Recorder.cfg.Seed {
					return nil, fmt.Errorf("report: run %s/%s with seed %d is given twice", r.Policy, cache.FormatSize(r.Size), o.Recorder.cfg.Seed)
				}
			}
			reps[i] = append(reps[i], r)
			continue
		}
		c.byKey[key] = len(reps)
		reps = append(reps, []CompareRun{r})
	}
	sort.SliceStable(reps, func(i, j int) bool {
		a, b := reps[i][0], reps[j][0]
		if rank[a.Policy] != rank[b.Policy] {
			return rank[a.Policy] < rank[b.Policy]
		}
		return a.Size < b.Size
	})
	c.largest = make([]int, len(c.polys))
	for i, point := range reps {
		r := point[0]
		c.byKey[fmt.Sprint(r.Policy, "/", r.Size)] = i
		c.runs = append(c.runs, r)
		var sums []Summary
		for _, x := range point {
			sums = append(sums, x.Recorder.Summary())
		}
		c.sums = append(c.sums, sums[0])
		c.reps = append(c.reps, sums)
		c.largest[rank[r.Policy]] = i // sizes ascend within a policy
	}
	return c, nil
}

// replicated reports whether the runs have more than one seed.
func (c *Comparison) replicated() bool { return len(c.seeds) > 1 }

// stat is metric m's mean over point i's seeds and its confidence
// half-width (NaN with one seed). The mean of one value is the value.
func (c *Comparison) stat(i int, m Metric) (mean, half float64) {
	xs := make([]float64, len(c.reps[i]))
	for j := range c.reps[i] {
		xs[j] = m.Get(&c.reps[i][j])
	}
	return MeanCI(xs)
}

// hitRatio is point i's hit ratio at the compared tier, its mean over
// the seeds, with the confidence half-width.
func (c *Comparison) hitRatio(i int) (mean, half float64) {
	name := "edge_hit_ratio"
	if c.tier == TierRegional {
		name = "regional_hit_ratio"
	}
	return c.stat(i, metricsNamed(name)[0])
}

// seedText names the seeds in titles: "seed 1", "seeds 1–5", "seeds 1, 7, 42".
func (c *Comparison) seedText() string {
	if !c.replicated() {
		return fmt.Sprintf("seed %d", c.seeds[0])
	}
	consecutive := true
	for i := 1; i < len(c.seeds); i++ {
		consecutive = consecutive && c.seeds[i] == c.seeds[i-1]+1
	}
	if consecutive {
		return fmt.Sprintf("seeds %d–%d", c.seeds[0], c.seeds[len(c.seeds)-1])
	}
	var s []string
	for _, x := range c.seeds {
		s = append(s, fmt.Sprint(x))
	}
	return "seeds " + strings.Join(s, ", ")
}

// CSV returns compare.csv: CompareHeader, then one row per point with
// fixed decimals, so equal inputs give equal bytes.
func (c *Comparison) CSV() []byte {
	var b bytes.Buffer
	b.WriteString(CompareHeader)
	if c.replicated() {
		b.WriteString(",seeds")
		for _, m := range compareMetrics {
			b.WriteString("," + m.Name + "_ci95")
		}
	}
	b.WriteByte('\n')
	for i, r := range c.runs {
		fmt.Fprintf(&b, "%s,%d,%s", r.Policy, r.Size, cache.FormatSize(r.Size))
		halves := make([]string, len(compareMetrics))
		for k, m := range compareMetrics {
			mean, half := c.stat(i, m)
			if c.replicated() {
				b.WriteString("," + m.FormatMean(mean))
				halves[k] = m.FormatMean(half)
			} else {
				b.WriteString("," + m.Format(mean))
			}
		}
		if c.replicated() {
			fmt.Fprintf(&b, ",%d,%s", len(c.reps[i]), strings.Join(halves, ","))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Table is an aligned table for a terminal, with a heading line and, when
// more than one policy ran, the best policy at each size. With several
// seeds a cell is "mean ±half-width" of the 95% confidence interval.
func (c *Comparison) Table() string {
	var b strings.Builder
	name := c.runs[0].Recorder.cfg.Scenario
	if name == "" {
		name = "run"
	}
	sizes := map[int64]bool{}
	for _, r := range c.runs {
		sizes[r.Size] = true
	}
	polys := "1 policy"
	if len(c.polys) > 1 {
		polys = fmt.Sprintf("%d policies", len(c.polys))
	}
	fmt.Fprintf(&b, "%s (%s): %s tier, %s × %s\n\n", name, c.seedText(), c.tier, polys, count(int64(len(sizes)), "size"))
	rows := [][]string{{"policy", "size", "edge hit", "edge byte hit", "regional hit", "regional byte hit",
		"origin offload", "origin requests", "origin bytes", "TTFB p95"}}
	cell := []func(float64) string{pct2, pct2, pct2, pct2, pct2,
		func(x float64) string { return groupDigits(int64(math.Round(x))) },
		func(x float64) string { return formatBytes(int64(math.Round(x))) },
		func(x float64) string { return fmt.Sprintf("%.1f ms", x) }}
	for i, r := range c.runs {
		row := []string{r.Policy, cache.FormatSize(r.Size)}
		for k, m := range compareMetrics {
			mean, half := c.stat(i, m)
			v := cell[k](mean)
			if !math.IsNaN(half) {
				v += " ±" + cell[k](half)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	writeAligned(&b, rows, 2)
	if len(c.polys) > 1 {
		fmt.Fprintf(&b, "\nBest %s hit ratio", c.tier)
		if c.replicated() {
			b.WriteString(" (mean)")
		}
		b.WriteString(":")
		for i, sz := range c.sizesAscending() {
			bestHR := -1.0
			var best []string
			for j, r := range c.runs {
				hr, _ := c.hitRatio(j)
				switch {
				case r.Size != sz || hr < bestHR:
				case hr > bestHR:
					bestHR, best = hr, []string{r.Policy}
				default: // equal hit counts over equal requests: a tie
					best = append(best, r.Policy)
				}
			}
			sep := ";"
			if i == 0 {
				sep = ""
			}
			who := best[0]
			if len(best) > 1 {
				who = strings.Join(best, " = ")
				if len(best) == len(c.polys) {
					who = "all policies tie"
				}
			}
			fmt.Fprintf(&b, "%s at %s %s (%s)", sep, cache.FormatSize(sz), who, pct2(bestHR))
		}
		b.WriteString(".\n")
	}
	return b.String()
}

func (c *Comparison) sizesAscending() []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, r := range c.runs {
		if !seen[r.Size] {
			seen[r.Size] = true
			out = append(out, r.Size)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// pct2 shows two decimals: policies often differ by less than 0.1 point.
func pct2(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

// Aligned lays rows out as the comparison table does: columns two spaces
// apart, the first left columns aligned left, the rest (numbers) right.
func Aligned(rows [][]string, left int) string {
	var b strings.Builder
	writeAligned(&b, rows, left)
	return b.String()
}

// writeAligned writes rows as columns two spaces apart, the first left
// columns aligned left and the rest (numbers) aligned right.
func writeAligned(b *strings.Builder, rows [][]string, left int) {
	w := make([]int, len(rows[0]))
	for _, row := range rows {
		for j, cell := range row {
			w[j] = max(w[j], len([]rune(cell)))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for j, cell := range row {
			if j > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", w[j]-len([]rune(cell)))
			if j < left {
				line.WriteString(cell + pad)
			} else {
				line.WriteString(pad + cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}
