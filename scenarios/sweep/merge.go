package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/report"
)

// Output files of a merge, in the sweep directory.
const (
	SweepCSV  = "sweep.csv"
	PointsCSV = "points.csv"
	PlotsDir  = "plots"
)

// Status is where a sweep's runs stand.
type Status struct {
	Done, Failed, Missing []*Run // Failed: not done, and the last attempt failed
	Reasons               map[string]string
}

// Status reads dir for the plan's runs.
func (p *Plan) Status(dir string) *Status {
	st := &Status{Reasons: map[string]string{}}
	for _, r := range p.Runs {
		if Done(dir, r) {
			st.Done = append(st.Done, r)
		} else if b, err := os.ReadFile(failedFile(dir, r)); err == nil {
			st.Failed = append(st.Failed, r)
			st.Reasons[r.ID] = strings.TrimSpace(string(b))
		} else {
			st.Missing = append(st.Missing, r)
		}
	}
	return st
}

// Unfinished are the runs whose results are not in dir, in plan order.
func (p *Plan) Unfinished(dir string) []*Run {
	var out []*Run
	for _, r := range p.Runs {
		if !Done(dir, r) {
			out = append(out, r)
		}
	}
	return out
}

// Merged is the results of a sweep's finished runs.
type Merged struct {
	Plan    *Plan
	Runs    []*Run // finished, in plan order
	Sums    []report.Summary
	Missing []*Run // not finished (missing or failed)
}

// Merge reads the summary.json of every finished run in dir.
func (p *Plan) Merge(dir string) (*Merged, error) {
	m := &Merged{Plan: p}
	for _, r := range p.Runs {
		b, err := os.ReadFile(filepath.Join(RunDir(dir, r), report.SummaryFile))
		if os.IsNotExist(err) {
			m.Missing = append(m.Missing, r)
			continue
		}
		if err != nil {
			return nil, err
		}
		var s report.Summary
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(RunDir(dir, r), report.SummaryFile), err)
		}
		m.Runs = append(m.Runs, r)
		m.Sums = append(m.Sums, s)
	}
	return m, nil
}

// Describe is a run for a person: its axis values and seed.
func (p *Plan) Describe(r *Run) string {
	var parts []string
	for a, d := range p.Axes {
		parts = append(parts, d.Key+"="+r.Values[a])
	}
	return strings.Join(append(parts, fmt.Sprintf("seed %d", r.Seed)), " ")
}

// SweepCSV is sweep.csv: a row per finished run, in plan order: its ID,
// its value on each axis, its seed and the headline metrics.
func (m *Merged) SweepCSV() []byte {
	head := []string{"id"}
	for _, d := range m.Plan.Axes {
		head = append(head, d.Key)
	}
	head = append(head, "seed")
	for _, mt := range report.Headline {
		head = append(head, mt.Name)
	}
	rows := [][]string{head}
	for i, r := range m.Runs {
		row := append(append([]string{r.ID}, r.Values...), strconv.FormatUint(r.Seed, 10))
		for _, mt := range report.Headline {
			row = append(row, mt.Format(mt.Get(&m.Sums[i])))
		}
		rows = append(rows, row)
	}
	return writeCSV(rows)
}

func writeCSV(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows) // a bytes.Buffer does not fail
	return b.Bytes()
}

// point is a grid point's finished runs (indices into Merged.Runs).
type point struct {
	values []string
	runs   []int
}

func (m *Merged) points() []point {
	n := 1
	for _, d := range m.Plan.Axes {
		n *= len(d.Values)
	}
	pts := make([]point, n)
	for i := range pts {
		k := i
		pts[i].values = make([]string, len(m.Plan.Axes))
		for a := len(m.Plan.Axes) - 1; a >= 0; a-- {
			d := m.Plan.Axes[a]
			pts[i].values[a] = d.Values[k%len(d.Values)]
			k /= len(d.Values)
		}
	}
	for i, r := range m.Runs {
		pts[r.Point].runs = append(pts[r.Point].runs, i)
	}
	return pts
}

// stat is a metric's mean and confidence half-width over a point's runs.
func (m *Merged) stat(pt point, mt report.Metric) (mean, half float64) {
	xs := make([]float64, len(pt.runs))
	for j, i := range pt.runs {
		xs[j] = mt.Get(&m.Sums[i])
	}
	return report.MeanCI(xs)
}

// PointsCSV is points.csv: a row per grid point: its values, the number
// of finished runs, and per headline metric the mean and the half-width of
// its 95% confidence interval (Student's t over the seeds; empty for fewer
// than two runs). Means of counts get two decimals.
func (m *Merged) PointsCSV() []byte {
	var head []string
	for _, d := range m.Plan.Axes {
		head = append(head, d.Key)
	}
	head = append(head, "runs")
	for _, mt := range report.Headline {
		head = append(head, mt.Name+"_mean", mt.Name+"_ci95")
	}
	rows := [][]string{head}
	for _, pt := range m.points() {
		row := append(append([]string(nil), pt.values...), strconv.Itoa(len(pt.runs)))
		for _, mt := range report.Headline {
			mean, half := m.stat(pt, mt)
			row = append(row, formatStat(mean, mt), formatStat(half, mt))
		}
		rows = append(rows, row)
	}
	return writeCSV(rows)
}

func formatStat(x float64, mt report.Metric) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', max(mt.Decimals, 2), 64)
}

// Chart is a plot to write: its file name under plots/ and what it draws.
type Chart struct {
	File  string
	Chart *report.PointChart
}

// Charts are a plot per headline metric against the first axis, a line per
// value of the second; with more axes, a plot per combination of the
// values of the others. A sweep without axes has nothing to plot against.
func (m *Merged) Charts() []Chart {
	axes := m.Plan.Axes
	if len(axes) == 0 {
		return nil
	}
	pts := m.points()
	lines := []string{""}
	if len(axes) > 1 {
		lines = axes[1].Values
	}
	// Points are in odometer order: the first axis outermost, so the
	// first two axes' values are the outer index, the rest the inner.
	inner := len(pts) / (len(axes[0].Values) * len(lines))
	var out []Chart
	for _, mt := range report.Headline {
		for k := range inner {
			c := &report.PointChart{XLabel: axes[0].Key, X: axes[0].Values, YLabel: yLabel(mt), Percent: mt.Percent}
			var rest []string
			for a := 2; a < len(axes); a++ {
				rest = append(rest, axes[a].Key+"="+pts[k].values[a])
			}
			seeds := 0
			for li, name := range lines {
				l := report.PointLine{Name: name}
				for x := range axes[0].Values {
					pt := pts[(x*len(lines)+li)*inner+k]
					mean, half := m.stat(pt, mt)
					l.Mean, l.Half = append(l.Mean, mean), append(l.Half, half)
					seeds = max(seeds, len(pt.runs))
				}
				c.Lines = append(c.Lines, l)
			}
			c.Title = fmt.Sprintf("%s: %s by %s", m.Plan.Sweep, mt.Label, axes[0].Key)
			if len(axes) > 1 {
				c.Title += ", a line per " + axes[1].Key
			}
			if len(rest) > 0 {
				c.Title += " (" + strings.Join(rest, ", ") + ")"
			}
			if seeds > 1 {
				c.Title += fmt.Sprintf("; mean of %d runs, bars %g%% CI", seeds, 100*report.Confidence)
			}
			name := mt.Name
			if len(rest) > 0 {
				name += "_" + fileSafe.ReplaceAllString(strings.Join(rest, "_"), "-")
			}
			out = append(out, Chart{File: name + ".png", Chart: c})
		}
	}
	return out
}

var fileSafe = regexp.MustCompile(`[^A-Za-z0-9._=-]+`)

// WriteFiles writes sweep.csv, points.csv and the plots into dir, each
// file complete or not at all; everything is rendered before the first
// is written.
func (m *Merged) WriteFiles(dir string) error {
	files := map[string][]byte{SweepCSV: m.SweepCSV(), PointsCSV: m.PointsCSV()}
	order := []string{SweepCSV, PointsCSV}
	for _, c := range m.Charts() {
		b, err := c.Chart.PNG()
		if err != nil {
			return fmt.Errorf("%s: %w", c.File, err)
		}
		name := filepath.Join(PlotsDir, c.File)
		files[name] = b
		order = append(order, name)
	}
	if err := os.MkdirAll(filepath.Join(dir, PlotsDir), 0o755); err != nil {
		return err
	}
	for _, name := range order {
		if err := report.WriteAtomic(filepath.Join(dir, name), files[name]); err != nil {
			return err
		}
	}
	return nil
}

// tableMetrics are the columns of Table: what a capacity planner reads
// first.
var tableMetrics = []string{"edge_hit_ratio", "regional_hit_ratio", "origin_offload", "origin_requests", "ttfb_p95_ms"}

// Table is points.csv for a terminal, with the main metrics: a row per
// point, "mean ±half-width" where a point has two runs or more.
func (m *Merged) Table() string {
	var head []string
	for _, d := range m.Plan.Axes {
		head = append(head, d.Key)
	}
	left := len(head)
	head = append(head, "runs")
	var mts []report.Metric
	for _, name := range tableMetrics {
		for _, mt := range report.Headline {
			if mt.Name == name {
				mts = append(mts, mt)
				head = append(head, mt.Label)
			}
		}
	}
	rows := [][]string{head}
	for _, pt := range m.points() {
		row := append(append([]string(nil), pt.values...), strconv.Itoa(len(pt.runs)))
		for _, mt := range mts {
			mean, half := m.stat(pt, mt)
			row = append(row, tableCell(mean, half, mt))
		}
		rows = append(rows, row)
	}
	return report.Aligned(rows, left)
}

func tableCell(mean, half float64, mt report.Metric) string {
	if math.IsNaN(mean) {
		return "-"
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', min(mt.Decimals, 1), 64) }
	if mt.Percent {
		f = func(x float64) string { return strconv.FormatFloat(100*x, 'f', 2, 64) + "%" }
	}
	if math.IsNaN(half) {
		return f(mean)
	}
	return f(mean) + " ±" + f(half)
}

func yLabel(mt report.Metric) string {
	if mt.Percent {
		return mt.Label + " (%)"
	}
	return mt.Label
}
