package sweep

import (
	"bytes"
	"encoding/csv"
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

// fakeResults writes a summary.json for every run but skip: the edge hit
// ratio is 0.1·(point+1) + 0.01·(seed−1) and origin requests
// 100·(point+1) + seed, so means and intervals can be worked out by hand.
func fakeResults(t *testing.T, dir string, p *Plan, skip map[int]bool) {
	t.Helper()
	for i, r := range p.Runs {
		if skip[i] {
			continue
		}
		var s report.Summary
		s.Seed = r.Seed
		s.Tiers.Edge.HitRatio = report.RatioOf(0.1*float64(r.Point+1) + 0.01*float64(r.Seed-1))
		s.Tiers.Origin.Requests = int64(100*(r.Point+1)) + int64(r.Seed)
		js, err := s.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(RunDir(dir, r), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(RunDir(dir, r), report.SummaryFile), js, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// columns reads a CSV into rows keyed by header.
func columns(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for j, h := range recs[0] {
			m[h] = rec[j]
		}
		out = append(out, m)
	}
	return out
}

func TestMergeMeansAndStudentIntervals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := plan(t, dir, "base = \"news-spike\"\nreplicates = 3\n"+tenMinutes+
		"[axes]\n\"pops.policy\" = [\"lru\", \"sieve\"]\n\"pops.capacity\" = [\"64MB\", \"1GB\"]\n")
	// The last seed of point 1 (lru, 1GB) never finished.
	fakeResults(t, dir, p, map[int]bool{5: true})
	m, err := p.Merge(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Missing) != 1 || m.Missing[0] != p.Runs[5] || len(m.Runs) != 11 {
		t.Fatalf("missing %v, %d runs", m.Missing, len(m.Runs))
	}
	runs := columns(t, m.SweepCSV())
	if len(runs) != 11 {
		t.Fatalf("%d rows in sweep.csv", len(runs))
	}
	if r := runs[4]; r["id"] != p.Runs[4].ID || r["pops.policy"] != "lru" || r["pops.capacity"] != "1GB" ||
		r["seed"] != "2" || r["edge_hit_ratio"] != "0.210000" || r["origin_requests"] != "202" || r["ttfb_p95_ms"] != "0.000" {
		t.Errorf("sweep.csv row 5: %v", r)
	}
	if h := strings.SplitN(string(m.SweepCSV()), "\n", 2)[0]; h != "id,pops.policy,pops.capacity,seed,"+
		"edge_hit_ratio,edge_byte_hit_ratio,regional_hit_ratio,regional_byte_hit_ratio,origin_offload,origin_byte_offload,"+
		"origin_requests,origin_bytes,origin_peak_rps,ttfb_p50_ms,ttfb_p95_ms,ttfb_p99_ms,errors_5xx" {
		t.Errorf("sweep.csv header %s", h)
	}
	pts := columns(t, m.PointsCSV())
	if len(pts) != 4 {
		t.Fatalf("%d points", len(pts))
	}
	// Three seeds: 0.1, 0.11, 0.12 → mean 0.11, s = 0.01, t(0.975, 2) = 4.302652730.
	// Two: 0.2, 0.21 → mean 0.205, s = 0.01/√2, t(0.975, 1) = 12.70620474.
	for i, want := range []struct {
		runs             string
		mean, half       float64
		reqMean, reqHalf string
		policy, capacity string
	}{
		{"3", 0.11, 4.302652730 * 0.01 / math.Sqrt(3), "102.00", "2.48", "lru", "64MB"},
		{"2", 0.205, 12.70620474 * 0.01 / math.Sqrt(2) / math.Sqrt(2), "201.50", "6.35", "lru", "1GB"},
		{"3", 0.31, 4.302652730 * 0.01 / math.Sqrt(3), "302.00", "2.48", "sieve", "64MB"},
	} {
		got := pts[i]
		mean, _ := strconv.ParseFloat(got["edge_hit_ratio_mean"], 64)
		half, _ := strconv.ParseFloat(got["edge_hit_ratio_ci95"], 64)
		if got["runs"] != want.runs || got["pops.policy"] != want.policy || got["pops.capacity"] != want.capacity ||
			math.Abs(mean-want.mean) > 1e-6 || math.Abs(half-want.half) > 1e-6 ||
			got["origin_requests_mean"] != want.reqMean || got["origin_requests_ci95"] != want.reqHalf {
			t.Errorf("point %d: %v\nwant runs %s, edge %v ± %v, origin %s ± %s", i, got, want.runs, want.mean, want.half, want.reqMean, want.reqHalf)
		}
	}
	// The table shows the same.
	if tab := m.Table(); !regexp.MustCompile(`(?m)^lru +1GB +2 +20\.50% ±6\.35% `).MatchString(tab) {
		t.Errorf("table:\n%s", tab)
	}
}

func TestMergeOfOneSeedHasNoInterval(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := plan(t, dir, "base = \"news-spike\"\n"+tenMinutes+"[axes]\n\"pops.policy\" = [\"lru\", \"sieve\"]\n")
	fakeResults(t, dir, p, nil)
	m, err := p.Merge(dir)
	if err != nil {
		t.Fatal(err)
	}
	pts := columns(t, m.PointsCSV())
	if pts[1]["runs"] != "1" || pts[1]["edge_hit_ratio_mean"] != "0.200000" || pts[1]["edge_hit_ratio_ci95"] != "" {
		t.Fatalf("point 2: %v", pts[1])
	}
}

func TestChartsAPlotPerMetricAndOtherAxesValues(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := plan(t, dir, "base = \"news-spike\"\nreplicates = 2\n"+tenMinutes+"[axes]\n\"pops.policy\" = [\"lru\", \"sieve\", \"fifo\"]\n"+
		"\"pops.capacity\" = [\"64MB\", \"1GB\"]\n\"regions.capacity\" = [\"1GB\", \"8GB\"]\n")
	fakeResults(t, dir, p, nil)
	m, err := p.Merge(dir)
	if err != nil {
		t.Fatal(err)
	}
	charts := m.Charts()
	if len(charts) != 2*len(report.Headline) {
		t.Fatalf("%d charts, want 2 per metric", len(charts))
	}
	c := charts[1] // edge hit ratio at regions.capacity=8GB
	if c.File != "edge_hit_ratio_regions.capacity=8GB.png" || len(c.Chart.Lines) != 2 || c.Chart.Lines[1].Name != "1GB" ||
		!strings.Contains(c.Chart.Title, "(regions.capacity=8GB)") || !strings.Contains(c.Chart.Title, "mean of 2 runs") {
		t.Fatalf("chart %s: %q, %d lines", c.File, c.Chart.Title, len(c.Chart.Lines))
	}
	// Point (sieve, 1GB, 8GB) is number 1·4 + 1·2 + 1 = 7: edge hit ratio 0.8, 0.81.
	if got := c.Chart.Lines[1].Mean[1]; math.Abs(got-0.805) > 1e-12 {
		t.Errorf("line 1GB at sieve: mean %v, want 0.805", got)
	}
	if err := m.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, PlotsDir, c.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1000 || b.Dy() != 500 {
		t.Errorf("plot is %v", b)
	}
	for _, name := range []string{SweepCSV, PointsCSV} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || len(b) == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}
