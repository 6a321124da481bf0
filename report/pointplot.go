package report

import (
	"errors"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PointChart is a metric of a sweep against one of its axes, the values
// evenly spaced in their order: a line per value of another axis, each
// point the mean over the seeds with its confidence interval as a bar.
type PointChart struct {
	Title   string
	XLabel  string
	X       []string // the axis' values
	YLabel  string
	Percent bool // values are ratios in [0, 1], shown in percent
	Lines   []PointLine
}

// PointLine is one line of a PointChart; Mean and Half have a value per X,
// NaN where no run finished (no point) or fewer than two did (no bar).
type PointLine struct {
	Name       string // in the legend; "" for a lone line
	Mean, Half []float64
}

// PNG draws the chart at the size of the run plots.
func (c *PointChart) PNG() ([]byte, error) {
	if len(c.X) == 0 {
		return nil, errors.New("report: a point chart needs an axis with values")
	}
	return renderPNG(c.draw)
}

func (c *PointChart) draw(dc draw.Canvas) error {
	p := plot.New()
	p.Title.Text = c.Title
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = colGrid, colGrid
	p.Add(g)
	var ticks []plot.Tick
	for i, x := range c.X {
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: x})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(len(c.X))-0.5
	scale := 1.0
	if c.Percent {
		scale = 100
	}
	yLo, yHi := math.Inf(1), math.Inf(-1)
	var lastSum float64 // of the means at the last X, to keep the legend off them
	var lastN int
	for li, l := range c.Lines {
		// Lines step aside a little so their bars do not hide each other.
		dx := 0.0
		if n := len(c.Lines); n > 1 {
			dx = (float64(li) - float64(n-1)/2) * math.Min(0.08, 0.5/float64(n))
		}
		var xy plotter.XYs
		var errs plotter.YErrors
		for i := range c.X {
			m := l.Mean[i] * scale
			if math.IsNaN(m) {
				continue
			}
			h := l.Half[i] * scale
			if math.IsNaN(h) {
				h = 0
			}
			if i == len(c.X)-1 {
				lastSum, lastN = lastSum+m, lastN+1
			}
			xy = append(xy, plotter.XY{X: float64(i) + dx, Y: m})
			errs = append(errs, struct{ Low, High float64 }{h, h})
			yLo, yHi = math.Min(yLo, m-h), math.Max(yHi, m+h)
		}
		if len(xy) == 0 {
			continue
		}
		if err := addStyledLine(p, li, l.Name, xy, errs); err != nil {
			return err
		}
	}
	if yHi >= yLo {
		pad := math.Max(0.1*(yHi-yLo), 0.01*math.Max(math.Abs(yHi), 1))
		p.Y.Min, p.Y.Max = yLo-pad, yHi+pad
		if yLo >= 0 {
			p.Y.Min = math.Max(0, p.Y.Min)
		}
		if c.Percent {
			p.Y.Max = math.Min(100, p.Y.Max)
			p.Y.Tick.Marker = percentTicker{}
		}
	}
	legendTopRight(p)
	if lastN > 0 && lastSum/float64(lastN) > (p.Y.Min+p.Y.Max)/2 {
		// The lines end high: the legend goes to the bottom right.
		p.Legend.Top = false
		p.Legend.YOffs = vg.Points(6)
	}
	p.Draw(dc)
	return nil
}
