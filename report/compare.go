package report

import (
	"bytes"
	"errors"
	"fmt"
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

// CompareHeader is the first line of compare.csv. One row per run: the
// policy, the cache size of the compared tier (bytes, then as "1GB"), the
// request and byte hit ratios of both tiers (as in summary.json: each tier
// conditional on reaching it, bypass excluded), the overall hit ratio,
// origin fetches and bytes, and the run's TTFB p95 (ms).
const CompareHeader = "policy,size_bytes,size,edge_hit_ratio,edge_byte_hit_ratio," +
	"regional_hit_ratio,regional_byte_hit_ratio,overall_hit_ratio,origin_requests,origin_bytes,ttfb_p95_ms"

// CompareRun is one simulation of a comparison: every cache of the
// compared tier ran Policy with Size bytes, on the same request stream as
// the other runs.
type CompareRun struct {
	Policy   string
	Size     int64
	Recorder *Recorder
}

// Comparison is a set of runs of one scenario and seed that differ only in
// the compared tier's eviction policy and cache size.
type Comparison struct {
	tier    string
	runs    []CompareRun
	sums    []Summary
	polys   []string // policies in first-appearance order
	largest []int    // per policy, the index in runs of its largest size
	byKey   map[string]int
}

// NewComparison orders runs by policy (in the order they first appear)
// then by size ascending, which is the order of every output.
func NewComparison(tier string, runs []CompareRun) (*Comparison, error) {
	if tier != TierEdge && tier != TierRegional {
		return nil, fmt.Errorf("report: unknown tier %q (want %s or %s)", tier, TierEdge, TierRegional)
	}
	if len(runs) == 0 {
		return nil, errors.New("report: a comparison needs at least one run")
	}
	c := &Comparison{tier: tier, runs: append([]CompareRun(nil), runs...)}
	rank := map[string]int{}
	for _, r := range c.runs {
		if r.Recorder == nil {
			return nil, fmt.Errorf("report: run %s/%s has no recorder", r.Policy, cache.FormatSize(r.Size))
		}
		if _, ok := rank[r.Policy]; !ok {
			rank[r.Policy] = len(c.polys)
			c.polys = append(c.polys, r.Policy)
		}
	}
	sort.SliceStable(c.runs, func(i, j int) bool {
		a, b := c.runs[i], c.runs[j]
		if rank[a.Policy] != rank[b.Policy] {
			return rank[a.Policy] < rank[b.Policy]
		}
		return a.Size < b.Size
	})
	c.largest = make([]int, len(c.polys))
	c.byKey = map[string]int{}
	for i, r := range c.runs {
		c.byKey[fmt.Sprint(r.Policy, "/", r.Size)] = i
		c.sums = append(c.sums, r.Recorder.Summary())
		c.largest[rank[r.Policy]] = i // sizes ascend within a policy
	}
	return c, nil
}

// tierOf is the compared tier's figures in s.
func (c *Comparison) tierOf(s *Summary) TierSummary {
	if c.tier == TierRegional {
		return s.Tiers.Regional
	}
	return s.Tiers.Edge
}

// CSV returns compare.csv: CompareHeader, then one row per run with fixed
// decimals, so equal inputs give equal bytes.
func (c *Comparison) CSV() []byte {
	var b bytes.Buffer
	b.WriteString(CompareHeader)
	b.WriteByte('\n')
	for i, r := range c.runs {
		s := &c.sums[i]
		e, g := s.Tiers.Edge, s.Tiers.Regional
		fmt.Fprintf(&b, "%s,%d,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%d,%.3f\n",
			r.Policy, r.Size, cache.FormatSize(r.Size),
			e.HitRatio, e.ByteHitRatio, g.HitRatio, g.ByteHitRatio, s.Tiers.Overall.HitRatio,
			s.Tiers.Origin.Requests, s.Tiers.Origin.Bytes, s.Latency.P95)
	}
	return b.Bytes()
}

// Table is an aligned table for a terminal, with a heading line and, when
// more than one policy ran, the best policy at each size.
func (c *Comparison) Table() string {
	var b strings.Builder
	r0 := c.runs[0].Recorder.cfg
	name := r0.Scenario
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
	fmt.Fprintf(&b, "%s (seed %d): %s tier, %s × %s\n\n", name, r0.Seed, c.tier, polys, count(int64(len(sizes)), "size"))
	rows := [][]string{{"policy", "size", "edge hit", "edge byte hit", "regional hit", "regional byte hit",
		"overall hit", "origin requests", "origin bytes", "TTFB p95"}}
	for i, r := range c.runs {
		s := &c.sums[i]
		rows = append(rows, []string{r.Policy, cache.FormatSize(r.Size),
			pct2(s.Tiers.Edge.HitRatio), pct2(s.Tiers.Edge.ByteHitRatio),
			pct2(s.Tiers.Regional.HitRatio), pct2(s.Tiers.Regional.ByteHitRatio),
			pct2(s.Tiers.Overall.HitRatio), groupDigits(s.Tiers.Origin.Requests),
			formatBytes(s.Tiers.Origin.Bytes), fmt.Sprintf("%.1f ms", s.Latency.P95)})
	}
	writeAligned(&b, rows, 2)
	if len(c.polys) > 1 {
		fmt.Fprintf(&b, "\nBest %s hit ratio:", c.tier)
		for i, sz := range c.sizesAscending() {
			bestHR := -1.0
			var best []string
			for j, r := range c.runs {
				hr := c.tierOf(&c.sums[j]).HitRatio
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
