package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// Plot geometry: ~1000×500 px at 96 dpi, wide enough to read a day in
// 5-minute bins. The origin plot stacks two panels, so it is taller.
const (
	plotDPI     = 96
	plotWidthPx = 1000
	plotHeight  = 500
	stackHeight = 700
)

// Okabe–Ito colours: distinguishable with the common colour-vision
// deficiencies.
var (
	colBlue      = color.RGBA{0x00, 0x72, 0xB2, 0xff}
	colOrange    = color.RGBA{0xE6, 0x9F, 0x00, 0xff}
	colGreen     = color.RGBA{0x00, 0x9E, 0x73, 0xff}
	colVermilion = color.RGBA{0xD5, 0x5E, 0x00, 0xff}
	colGrey      = color.RGBA{0x55, 0x55, 0x55, 0xff}
	colPurple    = color.RGBA{0xCC, 0x79, 0xA7, 0xff}
	colGrid      = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
)

var fontOnce sync.Once

// useSans switches gonum/plot from its default serif to Liberation Sans
// (compiled into gonum/plot, so no system fonts are needed). plot.New
// reads DefaultFont, so this must run before it.
func useSans() {
	fontOnce.Do(func() {
		plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	})
}

// pxToLength converts pixels at plotDPI to vg lengths (points).
func pxToLength(px int) vg.Length { return vg.Length(px) * vg.Inch / plotDPI }

// renderPlots draws the three PNGs into memory.
func (r *Recorder) renderPlots() ([]struct {
	name string
	data []byte
}, error) {
	useSans()
	rows := r.rows()
	type out = struct {
		name string
		data []byte
	}
	var files []out
	for _, p := range []struct {
		name string
		draw func([]intervalRow, draw.Canvas) error
		h    int
	}{
		{HitRatioPlot, r.drawHitRatio, plotHeight},
		{OriginLoadPlot, r.drawOriginLoad, stackHeight},
		{LatencyPlot, r.drawLatency, plotHeight},
	} {
		c := vgimg.NewWith(vgimg.UseWH(pxToLength(plotWidthPx), pxToLength(p.h)), vgimg.UseDPI(plotDPI))
		dc := draw.New(c)
		// vgimg starts transparent; image viewers then show black axes on black.
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		if err := p.draw(rows, dc); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		var buf bytes.Buffer
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		files = append(files, out{p.name, buf.Bytes()})
	}
	return files, nil
}

// newPlot makes a plot with the time-of-day x axis shared by all plots.
func (r *Recorder) newPlot(title, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Points(6)
	p.Y.Label.Text = ylabel
	p.X.Label.Text = "time of day (simulated)"
	durH := r.cfg.Duration.Seconds() / 3600
	p.X.Min, p.X.Max = 0, durH
	p.X.Tick.Marker = hourTicker(durH)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = colGrid, colGrid
	p.Add(g)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(24)
	return p
}

// title prefixes a plot title with the scenario and seed.
func (r *Recorder) title(what string) string {
	name := r.cfg.Scenario
	if name == "" {
		name = "run"
	}
	t := fmt.Sprintf("%s (seed %d%s): %s per %s interval", name, r.cfg.Seed, r.cfg.sampleLabel(), what, intervalName(r.cfg.Interval.Seconds()))
	if r.cfg.Warmup > 0 {
		t += fmt.Sprintf(", after a %s warm-up", r.cfg.Warmup.Short())
	}
	if r.partial {
		t += fmt.Sprintf(" — PARTIAL: interrupted after %s", r.cfg.Duration.Short())
	}
	return t
}

// intervalName reads "5-minute", "1-hour", "30-second".
func intervalName(s float64) string {
	switch {
	case s >= 3600 && math.Mod(s, 3600) == 0:
		return fmt.Sprintf("%g-hour", s/3600)
	case s >= 60 && math.Mod(s, 60) == 0:
		return fmt.Sprintf("%g-minute", s/60)
	default:
		return fmt.Sprintf("%g-second", s)
	}
}

// hourTicker labels the x axis (hours since the start) as times of day:
// every 3 h for a day, coarser for longer runs and finer for short ones so
// there are at most 12 labels, with unlabelled minor ticks between.
func hourTicker(durH float64) plot.TickerFunc {
	const sec, mn = 1.0 / 3600, 1.0 / 60
	steps := []float64{1 * sec, 2 * sec, 5 * sec, 10 * sec, 15 * sec, 30 * sec,
		1 * mn, 2 * mn, 5 * mn, 10 * mn, 15 * mn, 30 * mn, 1, 3, 6, 12, 24, 48, 168}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if durH/s <= 12 {
			step = s
			break
		}
	}
	minor := step / 3
	if step <= 1 {
		minor = step / 5
	}
	withSec := step < mn
	return func(lo, hi float64) []plot.Tick {
		var ticks []plot.Tick
		// Integer multiples avoid accumulating float error over the loop.
		for i := int(math.Ceil(lo/minor - 1e-9)); float64(i)*minor <= hi+1e-9; i++ {
			x := float64(i) * minor
			t := plot.Tick{Value: x}
			if k := x / step; math.Abs(k-math.Round(k)) < 1e-6 {
				t.Label = clockLabel(x, durH > 24, withSec)
			}
			ticks = append(ticks, t)
		}
		return ticks
	}
}

// clockLabel formats hours since the start as "HH:MM" (or "HH:MM:SS"),
// with a day prefix on multi-day runs.
func clockLabel(h float64, days, withSec bool) string {
	s := int64(math.Round(h * 3600))
	d, s := s/86400, s%86400
	out := fmt.Sprintf("%02d:%02d", s/3600, s/60%60)
	if withSec {
		out += fmt.Sprintf(":%02d", s%60)
	}
	if days {
		return fmt.Sprintf("d%d %s", d+1, out)
	}
	return out
}

// series is one line to draw: y per interval, and whether it is defined
// there (an interval with no traffic has no hit ratio, and drawing 0 would
// fake a collapse).
type series struct {
	name   string
	col    color.Color
	width  vg.Length
	dashes []vg.Length
	y      func(i int) float64
	ok     func(i int) bool
}

// addSeries draws s as line segments over the defined intervals, at the
// interval midpoints, with one legend entry.
func addSeries(p *plot.Plot, rows []intervalRow, s series) error {
	var seg plotter.XYs
	legended := false
	flush := func() error {
		if len(seg) == 0 {
			return nil
		}
		if len(seg) == 1 { // a lone point still deserves a visible mark
			seg = append(seg, seg[0])
		}
		l, err := plotter.NewLine(seg)
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = s.col, s.width, s.dashes
		p.Add(l)
		if !legended {
			p.Legend.Add(s.name, l)
			legended = true
		}
		seg = nil
		return nil
	}
	for i, x := range rows {
		if !s.ok(i) {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		seg = append(seg, plotter.XY{X: (x.startS + x.widthS/2) / 3600, Y: s.y(i)})
	}
	return flush()
}

// maxMarkerLabels is how many markers at one instant get a label each.
const maxMarkerLabels = 3

// labelled is markers with the labels to draw: more than maxMarkerLabels
// at one instant (every POP down at once) are one label, "95 events", on
// the first of them, not a column of labels pushing the plot off its
// canvas.
func labelled(markers []Marker) []Marker {
	at := map[sim.Time]int{}
	for _, m := range markers {
		at[m.At]++
	}
	out := slices.Clone(markers)
	for i, m := range out {
		switch n := at[m.At]; {
		case n > maxMarkerLabels:
			out[i].Label = fmt.Sprintf("%d events", n)
			at[m.At] = 0
		case n == 0:
			out[i].Label = ""
		}
	}
	return out
}

// addMarkers draws each marker as a dashed vertical line from ymin to
// ymax with its label beside the top, or beside the bottom when labelLow
// (where the data leaves the top crowded, as hit ratios near 100% do).
func (r *Recorder) addMarkers(p *plot.Plot, ymin, ymax float64, labelLow bool) error {
	// Labels of markers close in time would overprint: each one that
	// starts before the previous label ends goes one line further in.
	// Widths are estimated (~6 pt a character on a ~700 pt wide plot).
	hoursPerPt := r.cfg.Duration.Seconds() / 3600 / 700
	prevEnd, level := -1e18, 0
	for _, m := range labelled(r.cfg.Markers) {
		x := m.At.Seconds() / 3600
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: ymin}, {X: x, Y: ymax}})
		if err != nil {
			return err
		}
		l.Color = colGrey
		l.Width = vg.Points(1)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		if m.Label == "" {
			continue
		}
		if x < prevEnd {
			level++
		} else {
			level = 0
		}
		prevEnd = x + float64(6*len(m.Label)+8)*hoursPerPt
		y, dy := ymax, -vg.Points(14+13*float64(level))
		if labelLow {
			y, dy = ymin, vg.Points(4+13*float64(level))
		}
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: y}}, Labels: []string{m.Label}})
		if err != nil {
			return err
		}
		lb.Offset = vg.Point{X: vg.Points(4), Y: dy}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Color = colGrey
			// plotter.NewLabels took its font when the package was
			// initialised, before useSans ran.
			lb.TextStyle[i].Font = font.From(plot.DefaultFont, vg.Points(11))
		}
		p.Add(lb)
	}
	return nil
}

func (r *Recorder) drawHitRatio(rows []intervalRow, dc draw.Canvas) error {
	p := r.newPlot(r.title("hit ratio and origin offload"), "% of requests")
	p.Y.Min, p.Y.Max = 0, 100
	// Top left: hit ratios start low (cold caches) and error shares stay
	// near 0, so that corner is the emptiest.
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.YOffs = -vg.Points(4)
	p.Legend.XOffs = vg.Points(8)
	w := vg.Points(1.5)
	// Legends name the fields of timeseries.csv they draw.
	tierSeries := func(name string, col color.Color, t topology.Tier) series {
		return series{name: name, col: col, width: w,
			y:  func(i int) float64 { return 100 * rows[i].tiers[t].hitRatio.v },
			ok: func(i int) bool { return rows[i].tiers[t].hitRatio.ok }}
	}
	all := []series{
		{name: "origin offload (1 − origin/viewer requests)", col: colGreen, width: w,
			y: func(i int) float64 { return 100 * rows[i].offload.v }, ok: func(i int) bool { return rows[i].offload.ok }},
		tierSeries("edge hit ratio", colBlue, topology.TierEdge),
		tierSeries("regional hit ratio", colOrange, topology.TierRegional),
	}
	for _, x := range rows {
		if x.tiers[topology.TierShield].requests > 0 {
			all = append(all, tierSeries("shield hit ratio", colGrey, topology.TierShield))
			break
		}
	}
	for _, s := range all {
		if err := addSeries(p, rows, s); err != nil {
			return err
		}
	}
	// Failures, when there were any: the share of viewer requests answered
	// with a 5xx, and of those saved by a stale copy.
	var errs, stale int64
	for _, x := range rows {
		errs, stale = errs+x.errors5xx, stale+x.staleServed
	}
	if errs+stale > 0 {
		for _, s := range []series{
			{name: "5xx served", col: colVermilion, width: w,
				y: func(i int) float64 { return 100 * float64(rows[i].errors5xx) / float64(rows[i].requests) }, ok: func(i int) bool { return rows[i].requests > 0 }},
			{name: "stale served for an error", col: colPurple, width: w,
				y: func(i int) float64 { return 100 * float64(rows[i].staleServed) / float64(rows[i].requests) }, ok: func(i int) bool { return rows[i].requests > 0 }},
		} {
			if err := addSeries(p, rows, s); err != nil {
				return err
			}
		}
	}
	if err := r.addMarkers(p, 0, 100, true); err != nil {
		return err
	}
	p.Draw(dc)
	return nil
}

func (r *Recorder) drawOriginLoad(rows []intervalRow, dc draw.Canvas) error {
	top := r.newPlot(r.title("origin load"), "origin requests/s")
	bottom := r.newPlot("", "origin egress (Mbit/s)")
	top.X.Label.Text = "" // the panels share the time axis; label it once

	all := func(int) bool { return true }
	var maxRPS, maxMbps float64
	for _, x := range rows {
		maxRPS = max(maxRPS, x.originPeak, x.originRPS)
		maxMbps = max(maxMbps, x.originBps*8/1e6)
	}
	if err := addSeries(top, rows, series{name: "busiest second in interval", col: colVermilion, width: vg.Points(0.75),
		y: func(i int) float64 { return rows[i].originPeak }, ok: all}); err != nil {
		return err
	}
	if err := addSeries(top, rows, series{name: "mean over interval", col: colBlue, width: vg.Points(1.5),
		y: func(i int) float64 { return rows[i].originRPS }, ok: all}); err != nil {
		return err
	}
	if err := addSeries(bottom, rows, series{name: "mean over interval", col: colBlue, width: vg.Points(1.5),
		y: func(i int) float64 { return rows[i].originBps * 8 / 1e6 }, ok: all}); err != nil {
		return err
	}
	for _, pm := range []struct {
		p   *plot.Plot
		max float64
	}{{top, maxRPS}, {bottom, maxMbps}} {
		// Headroom above the peak keeps the marker label off the data.
		pm.p.Y.Min, pm.p.Y.Max = 0, niceCeil(pm.max*1.15)
		if err := r.addMarkers(pm.p, 0, pm.p.Y.Max, false); err != nil {
			return err
		}
	}
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Points(6), PadTop: vg.Points(2), PadBottom: vg.Points(2),
		PadLeft: vg.Points(2), PadRight: vg.Points(8)}
	plots := [][]*plot.Plot{{top}, {bottom}}
	cs := plot.Align(plots, tiles, dc)
	top.Draw(cs[0][0])
	bottom.Draw(cs[1][0])
	return nil
}

// niceCeil rounds x up to 1, 2 or 5 × 10^k, for an axis maximum that reads
// well; 1 for an empty series so the axis still has a range.
func niceCeil(x float64) float64 {
	if !(x > 0) {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if x <= m*e*(1+1e-12) {
			return m * e
		}
	}
	return 10 * e
}

func (r *Recorder) drawLatency(rows []intervalRow, dc draw.Canvas) error {
	p := r.newPlot(r.title("time to first byte"), "TTFB (ms, log scale)")
	lo, hi := math.Inf(1), 0.0
	for _, x := range rows {
		for _, v := range []float64{x.p50, x.p95, x.p99} {
			if v > 0 {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if hi == 0 { // no samples: any positive range keeps the log axis valid
		lo, hi = 1, 10
	}
	p.Y.Scale = plot.LogScale{}
	// A factor of 4 above the highest p99 leaves room for the legend and
	// marker labels, which would otherwise sit on the p99 line.
	p.Y.Min, p.Y.Max = lo/1.5, hi*4
	p.Y.Tick.Marker = logTicker{}
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(10) // clear of the y tick labels
	w := vg.Points(1.5)
	for _, s := range []series{
		{name: "p99", col: colVermilion, width: w, y: func(i int) float64 { return rows[i].p99 }},
		{name: "p95", col: colOrange, width: w, y: func(i int) float64 { return rows[i].p95 }},
		{name: "p50 (median)", col: colBlue, width: w, y: func(i int) float64 { return rows[i].p50 }},
	} {
		s.ok = func(i int) bool { return rows[i].requests > 0 && s.y(i) > 0 }
		if err := addSeries(p, rows, s); err != nil {
			return err
		}
	}
	if err := r.addMarkers(p, p.Y.Min, p.Y.Max, false); err != nil {
		return err
	}
	p.Draw(dc)
	return nil
}

// logTicker labels a log axis at 1, 2 and 5 × 10^k, which stays readable
// when the range spans less than a decade (plot.LogTicks then labels
// nothing), with unlabelled minor ticks at the other integers.
type logTicker struct{}

// Ticks implements plot.Ticker.
func (logTicker) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for k := math.Floor(math.Log10(lo)); math.Pow(10, k) <= hi; k++ {
		e := math.Pow(10, k)
		for m := 1; m <= 9; m++ {
			v := float64(m) * e
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = fmt.Sprintf("%g", v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
