package report

// The PNG drawings of a Comparison: the miss-ratio curve and the hit ratio
// over time by policy. The model and the table are in compare.go.

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/cdnsim/cdnsim/topology/cache"
)

// WriteFiles creates dir if needed and writes compare.csv, mrc.png and
// hit-ratio-by-policy.png into it, each rendered in memory first and
// written to a temporary file that is renamed into place.
func (c *Comparison) WriteFiles(dir string) error {
	mrc, err := renderPNG(c.drawMRC)
	if err != nil {
		return fmt.Errorf("report: %s: %w", MRCPlot, err)
	}
	byTime, err := renderPNG(c.drawHitRatioByPolicy)
	if err != nil {
		return fmt.Errorf("report: %s: %w", PolicyHitRatioPlot, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{CompareFile, c.CSV()}, {MRCPlot, mrc}, {PolicyHitRatioPlot, byTime}} {
		if err := WriteAtomic(filepath.Join(dir, f.name), f.data); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// renderPNG draws f on a white canvas of the plots' size and encodes it.
func renderPNG(f func(draw.Canvas) error) ([]byte, error) {
	useSans()
	cv := vgimg.NewWith(vgimg.UseWH(pxToLength(plotWidthPx), pxToLength(plotHeight)), vgimg.UseDPI(plotDPI))
	dc := draw.New(cv)
	dc.SetColor(color.White) // vgimg starts transparent
	dc.Fill(dc.Rectangle.Path())
	if err := f(dc); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// policyStyles tells policies apart by colour (the Okabe–Ito palette,
// then black), glyph and dash, so lines stay distinct in greyscale and
// for readers with a colour-vision deficiency. They repeat past eight.
var policyStyles = []struct {
	col    color.Color
	glyph  draw.GlyphDrawer
	dashes []vg.Length
}{
	{colBlue, draw.CircleGlyph{}, nil},
	{colVermilion, draw.SquareGlyph{}, []vg.Length{vg.Points(6), vg.Points(3)}},
	{colGreen, draw.TriangleGlyph{}, []vg.Length{vg.Points(2), vg.Points(2)}},
	{colOrange, draw.PyramidGlyph{}, []vg.Length{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}},
	{color.RGBA{0xCC, 0x79, 0xA7, 0xff}, draw.RingGlyph{}, []vg.Length{vg.Points(10), vg.Points(4)}},
	{color.RGBA{0x56, 0xB4, 0xE9, 0xff}, draw.BoxGlyph{}, []vg.Length{vg.Points(4), vg.Points(2)}},
	{color.Black, draw.CrossGlyph{}, []vg.Length{vg.Points(1), vg.Points(3)}},
	{color.RGBA{0xB8, 0xA2, 0x00, 0xff}, draw.PlusGlyph{}, []vg.Length{vg.Points(12), vg.Points(3)}},
}

// addStyledLine adds line i of a plot, named name ("" for none in the
// legend), in policyStyles[i]: a line with marks at xy and, when errs is
// not nil, a confidence bar at each point.
func addStyledLine(p *plot.Plot, i int, name string, xy plotter.XYs, errs plotter.YErrors) error {
	st := policyStyles[i%len(policyStyles)]
	l, pts, err := plotter.NewLinePoints(xy)
	if err != nil {
		return err
	}
	l.Color, l.Width, l.Dashes = st.col, vg.Points(1.5), st.dashes
	pts.Color, pts.Shape, pts.Radius = st.col, st.glyph, vg.Points(4)
	p.Add(l, pts)
	if errs != nil {
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{xy, errs})
		if err != nil {
			return err
		}
		bars.Color, bars.Width, bars.CapWidth = st.col, vg.Points(1.2), vg.Points(8)
		p.Add(bars)
	}
	if name != "" {
		p.Legend.Add(name, l, pts)
	}
	return nil
}

// legendTopRight puts the legend inside the top right corner.
func legendTopRight(p *plot.Plot) {
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Points(6)
	p.Legend.YOffs = -vg.Points(4)
	p.Legend.ThumbnailWidth = vg.Points(30)
}

// tierWhat names the compared tier's caches for axis labels.
func (c *Comparison) tierWhat() string {
	if c.tier == TierRegional {
		return "regional edge cache"
	}
	return "POP"
}

func (c *Comparison) drawMRC(dc draw.Canvas) error {
	cfg := c.runs[0].Recorder.cfg
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (%s%s): %s miss ratio by cache size", orRun(cfg.Scenario), c.seedText(), cfg.sampleLabel(), c.tier)
	if c.replicated() {
		p.Title.Text += fmt.Sprintf("; mean, bars %g%% CI", 100*Confidence)
	}
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = fmt.Sprintf("cache size per %s (log₂ scale)", c.tierWhat())
	p.Y.Label.Text = fmt.Sprintf("%s miss ratio (%% of requests reaching it)", c.tier)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = colGrid, colGrid
	p.Add(g)

	sizes := c.sizesAscending()
	lo, hi := float64(sizes[0]), float64(sizes[len(sizes)-1])
	// Half a step of margin on a log axis; a lone size gets a factor of 2.
	margin := math.Sqrt(2)
	if len(sizes) == 1 {
		margin = 2
	}
	p.X.Scale = plot.LogScale{}
	p.X.Min, p.X.Max = lo/margin, hi*margin
	p.X.Tick.Marker = sizeTicker(sizes)

	yLo, yHi := 100.0, 0.0
	for pi, pol := range c.polys {
		var xy plotter.XYs
		var errs plotter.YErrors
		for i, r := range c.runs {
			if r.Policy != pol {
				continue
			}
			hr, half := c.hitRatio(i)
			miss := 100 * (1 - hr)
			h := 0.0
			if c.replicated() && !math.IsNaN(half) {
				h = 100 * half
			}
			yLo, yHi = min(yLo, miss-h), max(yHi, miss+h)
			xy = append(xy, plotter.XY{X: float64(r.Size), Y: miss})
			errs = append(errs, struct{ Low, High float64 }{h, h})
		}
		if !c.replicated() {
			errs = nil
		}
		if err := addStyledLine(p, pi, pol, xy, errs); err != nil {
			return err
		}
	}
	// Pad the data range by a point or 15%, whichever is more, on whole
	// percentages within [0, 100].
	pad := max(1, 0.15*(yHi-yLo))
	p.Y.Min = math.Max(0, math.Floor(yLo-pad))
	p.Y.Max = math.Min(100, math.Ceil(yHi+pad))
	p.Y.Tick.Marker = percentTicker{}
	// Miss ratios fall with size, so the top right is free for the legend.
	legendTopRight(p)
	p.Draw(dc)
	return nil
}

func orRun(name string) string {
	if name == "" {
		return "run"
	}
	return name
}

// sizeTicker labels a log byte axis at the compared sizes and at the
// powers of two between them ("256MB", "512MB", "1GB"); when that would
// crowd the axis, the powers of two get unlabelled ticks.
func sizeTicker(sizes []int64) plot.TickerFunc {
	return func(lo, hi float64) []plot.Tick {
		at := map[int64]bool{}
		for _, s := range sizes {
			at[s] = true
		}
		var extra []int64
		for e := 0; e < 63; e++ {
			v := int64(1) << e
			if float64(v) >= lo && float64(v) <= hi && !at[v] {
				extra = append(extra, v)
			}
		}
		labelExtra := len(sizes)+len(extra) <= 10
		var ticks []plot.Tick
		for _, s := range sizes {
			ticks = append(ticks, plot.Tick{Value: float64(s), Label: cache.FormatSize(s)})
		}
		for _, v := range extra {
			t := plot.Tick{Value: float64(v)}
			if labelExtra {
				t.Label = cache.FormatSize(v)
			}
			ticks = append(ticks, t)
		}
		sort.Slice(ticks, func(i, j int) bool { return ticks[i].Value < ticks[j].Value })
		return ticks
	}
}

// minSpread is the least difference between the best and the worst
// policy's hit ratio (half a point) worth a plot over time: below it the
// lines lie on top of each other.
const minSpread = 0.005

// shownRuns picks the runs the time plot draws, one per policy (indices
// into runs): those at the largest size where the policies' hit ratios
// spread by minSpread or more — at larger sizes every policy holds the
// working set and the lines coincide — else those at the largest size.
// A policy that did not run at that size shows its own largest.
// narrowed reports that a larger size was passed over.
func (c *Comparison) shownRuns() (idx []int, narrowed bool) {
	sizes := c.sizesAscending()
	at := func(sz int64) []int {
		out := make([]int, len(c.polys))
		for pi, pol := range c.polys {
			i, ok := c.byKey[fmt.Sprint(pol, "/", sz)]
			if !ok {
				i = c.largest[pi]
			}
			out[pi] = i
		}
		return out
	}
	for k := len(sizes) - 1; k >= 0 && len(c.polys) > 1; k-- {
		idx := at(sizes[k])
		lo, hi := 1.0, 0.0
		for _, i := range idx {
			hr, _ := c.hitRatio(i)
			lo, hi = min(lo, hr), max(hi, hr)
		}
		if hi-lo >= minSpread {
			return idx, k < len(sizes)-1
		}
	}
	return at(sizes[len(sizes)-1]), false
}

func (c *Comparison) drawHitRatioByPolicy(dc draw.Canvas) error {
	// Every run has the same duration, interval and markers: the first
	// one's recorder lays out the time axis.
	r0 := c.runs[0].Recorder
	shown, narrowed := c.shownRuns()
	size := c.runs[shown[0]].Size
	sameSize := true
	for _, i := range shown {
		sameSize = sameSize && c.runs[i].Size == size
	}
	title := r0.title(c.tier + " hit ratio")
	switch {
	case !sameSize:
		title += ", by policy"
	case narrowed:
		title += fmt.Sprintf(", by policy (%s per %s; above it they differ by < %g point)",
			cache.FormatSize(size), c.tierWhat(), 100*minSpread)
	default:
		title += fmt.Sprintf(", by policy (%s per %s)", cache.FormatSize(size), c.tierWhat())
	}
	p := r0.newPlot(title, fmt.Sprintf("%s hit ratio (%% of requests reaching it)", c.tier))
	yLo, yHi := 100.0, 0.0
	for pi, idx := range shown {
		run := c.runs[idx]
		rows := run.Recorder.rows()
		hr := func(i int) float64 { return 100 * rows[i].edgeHR }
		ok := func(i int) bool { return rows[i].edgeReachable > 0 }
		if c.tier == TierRegional {
			hr = func(i int) float64 { return 100 * rows[i].regionalHR }
			ok = func(i int) bool { return rows[i].regionalReachable > 0 }
		}
		for i := range rows {
			if ok(i) {
				yLo, yHi = min(yLo, hr(i)), max(yHi, hr(i))
			}
		}
		name := run.Policy
		if !sameSize {
			name += " (" + cache.FormatSize(run.Size) + ")"
		}
		st := policyStyles[pi%len(policyStyles)]
		if err := addSeries(p, rows, series{name: name, col: st.col, width: vg.Points(1.5), dashes: st.dashes, y: hr, ok: ok}); err != nil {
			return err
		}
	}
	if yHi < yLo { // no interval had traffic at this tier
		yLo, yHi = 0, 100
	}
	p.Y.Min = math.Max(0, 10*math.Floor(yLo/10))
	p.Y.Max = math.Min(100, 10*math.Ceil(yHi/10))
	if p.Y.Max-p.Y.Min < 10 {
		p.Y.Min, p.Y.Max = math.Max(0, p.Y.Max-10), math.Max(10, p.Y.Max)
	}
	p.Y.Tick.Marker = percentTicker{}
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.YOffs = vg.Points(6)
	p.Legend.XOffs = -vg.Points(6)
	p.Legend.ThumbnailWidth = vg.Points(30)
	if err := r0.addMarkers(p, p.Y.Min, p.Y.Max, false); err != nil {
		return err
	}
	p.Draw(dc)
	return nil
}

// percentTicker labels a percentage axis at 1, 2 or 5 × 10^k points,
// whichever gives 4 to 10 labels, with unlabelled minor ticks between.
type percentTicker struct{}

// Ticks implements plot.Ticker.
func (percentTicker) Ticks(lo, hi float64) []plot.Tick {
	step := 100.0
	for _, s := range []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50} {
		if (hi-lo)/s < 10 {
			step = s
			break
		}
	}
	minor := step / 5
	if step == 25 {
		minor = 5
	}
	var ticks []plot.Tick
	for i := int(math.Ceil(lo/minor - 1e-9)); float64(i)*minor <= hi+1e-9; i++ {
		x := float64(i) * minor
		t := plot.Tick{Value: x}
		if k := x / step; math.Abs(k-math.Round(k)) < 1e-6 {
			t.Label = strconvFloat(x)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// strconvFloat prints x without trailing zeros ("47.5", "50").
func strconvFloat(x float64) string { return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64) }
