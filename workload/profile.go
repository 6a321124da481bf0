package workload

import (
	"math"

	"github.com/cdnsim/cdnsim/sim"
)

// slotLen is the resolution of the diurnal curve: rates are piecewise
// constant over slots (evaluated at the slot's midpoint) and the metro alias
// table is rebuilt once per slot. Over a minute the sinusoid moves by at most
// 2π/1440 ≈ 0.4% of its amplitude, and the midpoint rule's error on the
// daily integral is ~1e-6, far below Poisson noise.
const slotLen = sim.Minute

// diurnalCurve evaluates the daily load curve. Each metro m has relative
// load w_m·(1 + A·cos(ω(t) + φ_m)), with ω the UTC hour angle and φ_m its
// offset from the peak; the total is Σw_m·(1 + A(C cos ω − S sin ω)), with
// C, S the weighted means of cos φ_m, sin φ_m, so the aggregate factor is
// O(1) to evaluate however many metros there are. A table curve has no such
// shortcut: its aggregate is the weighted sum over metros, O(metros), but it
// is evaluated once per slot, not per request.
type diurnalCurve struct {
	amp      float64
	startHr  float64
	c, s     float64
	phase    []float64
	weights  []float64
	totalWgt float64
	// table is the normalised Diurnal.Table with table[24] = table[0], so
	// interpolation needs no wrap; nil for the sinusoid. offset holds each
	// metro's UTC offset in hours.
	table  []float64
	offset []float64
}

func newDiurnalCurve(cfg Config) diurnalCurve {
	d := diurnalCurve{amp: cfg.Diurnal.Amplitude, startHr: cfg.StartUTCHour}
	d.phase = make([]float64, len(cfg.Metros))
	d.weights = make([]float64, len(cfg.Metros))
	for i, m := range cfg.Metros {
		d.phase[i] = 2 * math.Pi * (m.UTCOffset - cfg.Diurnal.PeakHour) / 24
		d.weights[i] = m.Weight
		d.totalWgt += m.Weight
		d.c += m.Weight * math.Cos(d.phase[i])
		d.s += m.Weight * math.Sin(d.phase[i])
	}
	if d.totalWgt > 0 {
		d.c /= d.totalWgt
		d.s /= d.totalWgt
	}
	if t := cfg.Diurnal.Table; len(t) == tableHours {
		// The periodic piecewise-linear curve's daily mean is the mean of
		// its points (the trapezoid rule is exact for it).
		var sum float64
		for _, x := range t {
			sum += x
		}
		mean := sum / tableHours
		d.table = make([]float64, tableHours+1)
		for i, x := range t {
			d.table[i] = x / mean
		}
		d.table[tableHours] = d.table[0]
		d.offset = make([]float64, len(cfg.Metros))
		for i, m := range cfg.Metros {
			d.offset[i] = m.UTCOffset
		}
	}
	return d
}

// flat reports whether the curve is constant (rates need no slots).
func (d *diurnalCurve) flat() bool { return d.table == nil && d.amp == 0 }

// omega is the UTC hour angle at virtual time t.
func (d *diurnalCurve) omega(t sim.Time) float64 {
	return 2 * math.Pi * d.utcHour(t) / 24
}

// utcHour is the UTC hour at virtual time t, not reduced modulo 24.
func (d *diurnalCurve) utcHour(t sim.Time) float64 {
	return d.startHr + float64(t)/float64(sim.Hour)
}

// tableAt is the table curve at local hour h (any real).
func (d *diurnalCurve) tableAt(h float64) float64 {
	h = math.Mod(h, tableHours)
	if h < 0 {
		h += tableHours
	}
	i := int(h)
	if i >= tableHours { // h rounded up to 24
		i = tableHours - 1
	}
	f := h - float64(i)
	return d.table[i] + f*(d.table[i+1]-d.table[i])
}

// factor is the aggregate load relative to the daily mean (its daily mean is 1).
func (d *diurnalCurve) factor(t sim.Time) float64 {
	if d.table != nil {
		if d.totalWgt == 0 {
			return 1
		}
		u := d.utcHour(t)
		var sum float64
		for i, off := range d.offset {
			sum += d.weights[i] * d.tableAt(u+off)
		}
		return sum / d.totalWgt
	}
	if d.amp == 0 {
		return 1
	}
	w := d.omega(t)
	return 1 + d.amp*(d.c*math.Cos(w)-d.s*math.Sin(w))
}

// metroWeights writes each metro's relative load at t into out.
func (d *diurnalCurve) metroWeights(t sim.Time, out []float64) {
	if d.table != nil {
		u := d.utcHour(t)
		for i, off := range d.offset {
			out[i] = d.weights[i] * d.tableAt(u+off)
		}
		return
	}
	w := d.omega(t)
	for i, p := range d.phase {
		out[i] = d.weights[i] * (1 + d.amp*math.Cos(w+p))
	}
}

// Profile kinds.
const (
	kindExp uint8 = iota
	kindPow
	kindRect
	kindSpike
)

// profile is an object's request-time distribution over its age. Requests
// are generated as order statistics in the exponential scale
// x = −ln(1 − U) (Rényi: x_k = x_{k−1} + E_k/(n−k+1) with E_k ~ Exp(1)),
// which needs O(1) state per object; age maps x back through the inverse
// CDF, ns.
type profile struct {
	kind  uint8
	scale float64 // L in ns (exp, pow, rect)
	shape float64 // β−1 (pow)
	// Spike: linear ramp over rise ns to the peak, then exponential decay at
	// lambda per ns. c is the peak density, a = c·rise/2 the ramp's mass,
	// lnq = ln(1 − a) the log of the tail's mass.
	rise, lambda, c, a, lnq float64
}

func newProfile(cl Class) profile {
	p := profile{scale: float64(cl.Lifetime)}
	switch cl.Profile {
	case ProfilePowerLaw:
		p.kind, p.shape = kindPow, cl.ProfileShape-1
	case ProfileRectangular:
		p.kind = kindRect
	default:
		p.kind = kindExp
	}
	return p
}

func newSpikeProfile(s Spike) profile {
	p := profile{kind: kindSpike, rise: float64(s.Rise), lambda: math.Ln2 / float64(s.HalfLife)}
	p.c = 1 / (p.rise/2 + 1/p.lambda)
	p.a = p.c * p.rise / 2
	p.lnq = math.Log(p.c / p.lambda)
	return p
}

// age is the age (ns) at which the request with exponential-scale position x
// happens: F⁻¹(1 − e^−x).
func (p *profile) age(x float64) float64 {
	switch p.kind {
	case kindExp:
		return p.scale * x
	case kindPow:
		return p.scale * math.Expm1(x/p.shape)
	case kindRect:
		return p.scale * -math.Expm1(-x)
	default:
		u := -math.Expm1(-x)
		if u < p.a {
			return math.Sqrt(2 * p.rise * u / p.c)
		}
		return p.rise + (p.lnq+x)/p.lambda
	}
}

// cdf is the share of requests with age < a ns.
func (p *profile) cdf(a float64) float64 {
	if a <= 0 {
		return 0
	}
	switch p.kind {
	case kindExp:
		return -math.Expm1(-a / p.scale)
	case kindPow:
		return 1 - math.Pow(1+a/p.scale, -p.shape)
	case kindRect:
		return min(a/p.scale, 1)
	default:
		if a < p.rise {
			return p.c * a * a / (2 * p.rise)
		}
		return 1 - math.Exp(p.lnq-p.lambda*(a-p.rise))
	}
}
