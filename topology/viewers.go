package topology

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// Viewers is the viewer side of the path, beyond the metro–POP distance
// the latency model covers: the access network's last mile, setting up a
// connection to the POP, and jitter. Its zero value models none of it, so
// a viewer's round trip is the latency model's metro–POP RTT alone and no
// request pays a handshake.
type Viewers struct {
	// Access lists, for each metro (indexed like Config.Metros), its
	// viewers' access networks; empty: no last mile anywhere.
	Access [][]AccessNetwork
	// Reuse is the share of requests sent on a connection already open
	// to the POP; the others open one first.
	Reuse float64
	// HTTP3 is the share of requests made over HTTP/3: a new QUIC
	// connection costs one round trip (transport and TLS 1.3 together)
	// before the request, a new TCP connection with TLS 1.3 two.
	HTTP3 float64
	// Jitter is the mean of an exponentially distributed extra delay on
	// each request (queueing in the access network, radio scheduling).
	Jitter time.Duration
}

// AccessNetwork is one kind of access to the Internet in a metro (fixed
// broadband, mobile): its share of the metro's viewers, and its last-mile
// round-trip time, lognormal with median RTT and σ Sigma.
type AccessNetwork struct {
	Name  string
	Share float64
	RTT   time.Duration
	Sigma float64
}

func (v *Viewers) validate(metros int) error {
	if len(v.Access) != 0 && len(v.Access) != metros {
		return ferr("viewers", "access networks for %d metros, but there are %d", len(v.Access), metros)
	}
	for m, nets := range v.Access {
		var sum float64
		for _, a := range nets {
			if !(a.Share >= 0 && a.Share <= 1) || a.RTT < 0 || !(a.Sigma >= 0 && a.Sigma <= 3) {
				return ferr("viewers", "metro %d: access network %q needs a share in [0, 1], an RTT >= 0 and a sigma in [0, 3]", m, a.Name)
			}
			sum += a.Share
		}
		if len(nets) > 0 && math.Abs(sum-1) > 1e-9 {
			return ferr("viewers", "metro %d: access network shares add up to %v, not 1", m, sum)
		}
	}
	if !(v.Reuse >= 0 && v.Reuse <= 1) {
		return ferr("viewers.connection_reuse", "must be in [0, 1], got %v", v.Reuse)
	}
	if !(v.HTTP3 >= 0 && v.HTTP3 <= 1) {
		return ferr("viewers.http3_share", "must be in [0, 1], got %v", v.HTTP3)
	}
	if v.Jitter < 0 {
		return ferr("viewers.jitter", "must be >= 0, got %v", v.Jitter)
	}
	return nil
}

// viewerModel draws the viewer side of each request. Its random stream is
// its own ("viewers"), so modelling viewers changes no other draw: the
// workload and the caches see the same requests with or without it. It
// runs once per request, so it draws bits from the PCG itself (an
// interface call per number cost more than the rest of the draw) and
// inverts its distributions through tables.
type viewerModel struct {
	on        bool // false for the zero Viewers
	src       *rand.PCG
	reuse, h3 float64
	jitter    float64 // mean, ns
	first     []int32 // metro → its first entry in nets; one more at the end
	nets      []accessDraw
}

// accessDraw is an access network ready to draw from: the cumulative
// share up to and including it, and its lognormal's median and the
// quantiles of its spread (shared by the networks of equal sigma).
type accessDraw struct {
	cum    float64
	median float64 // ns
	spread *quantileTable
}

func newViewerModel(v Viewers, seed uint64) viewerModel {
	m := viewerModel{reuse: v.Reuse, h3: v.HTTP3, jitter: float64(sim.Duration(v.Jitter))}
	spreads := map[float64]*quantileTable{}
	for _, nets := range v.Access {
		m.first = append(m.first, int32(len(m.nets)))
		var cum float64
		for _, a := range nets {
			cum += a.Share
			q, ok := spreads[a.Sigma]
			if !ok {
				q = lognormalSpread(a.Sigma)
				spreads[a.Sigma] = q
			}
			m.nets = append(m.nets, accessDraw{cum: cum, median: float64(sim.Duration(a.RTT)), spread: q})
		}
	}
	m.first = append(m.first, int32(len(m.nets)))
	m.on = len(v.Access) > 0 || v.Reuse != 0 || v.HTTP3 != 0 || v.Jitter != 0
	m.src = sim.NewPCG(seed, "viewers")
	return m
}

// viewerDraw is what the viewer side adds to one request.
type viewerDraw struct {
	lastMile  sim.Time // added to the request's round trip
	setupRTTs int64    // round trips before the request can go: 0 on an open connection
	jitter    sim.Time
	http3     bool
}

// draw is the viewer side of a request from metro m.
func (v *viewerModel) draw(m int) viewerDraw {
	var d viewerDraw
	// Three 21-bit uniforms from one draw: the access network, HTTP/3 or
	// not, a new connection or not (shares resolve to 1 in 2 million);
	// two 32-bit ones from another for the last mile and the jitter.
	x, y := v.src.Uint64(), v.src.Uint64()
	const bits21, bits32 = 1 << 21, 1 << 32
	uNet := float64(x>>43) / bits21
	uH3 := float64(x>>22&(bits21-1)) / bits21
	uNew := float64(x>>1&(bits21-1)) / bits21
	if lo, hi := v.first[m], v.first[m+1]; lo < hi {
		i := lo
		for i < hi-1 && uNet >= v.nets[i].cum {
			i++
		}
		a := &v.nets[i]
		d.lastMile = sim.Time(a.median * a.spread.at((float64(y>>32)+0.5)/bits32))
	}
	d.http3 = uH3 < v.h3
	if uNew >= v.reuse {
		d.setupRTTs = 2 // TCP, then TLS 1.3
		if d.http3 {
			d.setupRTTs = 1 // QUIC's handshake carries TLS 1.3's
		}
	}
	if v.jitter > 0 {
		d.jitter = sim.Time(v.jitter * unitExponential.at((float64(y&(bits32-1))+0.5)/bits32))
	}
	return d
}

// quantiles is the resolution of a quantileTable: small enough (2 kB) to
// stay in a core's cache beside the simulation's large working set.
const quantiles = 1 << 8

// quantileTable draws from a distribution by inversion: its quantile
// function at i/quantiles, interpolated linearly between, and computed
// exactly in the bins at either end where the function bends too much for
// the interpolation to stay within quantileTolerance (for a lognormal of
// σ 0.5, the two outermost bins at each end: 1.6% of draws). A lookup
// costs a tenth of math.Exp.
type quantileTable struct {
	q      [quantiles + 1]float64
	lo, hi int // bins [lo, hi) interpolate
	exact  func(u float64) float64
}

// quantileTolerance bounds the relative error of an interpolated quantile.
const quantileTolerance = 0.001

func newQuantileTable(quantile func(u float64) float64) *quantileTable {
	t := &quantileTable{exact: quantile}
	for i := range t.q {
		t.q[i] = quantile(float64(i) / quantiles)
	}
	// A bin interpolates if it stays within the tolerance inside (checked
	// at its quarter points) and its ends are finite.
	good := func(i int) bool {
		if !finite(t.q[i]) || !finite(t.q[i+1]) {
			return false
		}
		for _, f := range []float64{0.25, 0.5, 0.75} {
			want := quantile((float64(i) + f) / quantiles)
			if got := t.q[i] + f*(t.q[i+1]-t.q[i]); math.Abs(got-want) > quantileTolerance*math.Abs(want) {
				return false
			}
		}
		return true
	}
	for t.lo = 0; t.lo < quantiles/2 && !good(t.lo); t.lo++ {
	}
	for t.hi = quantiles; t.hi > quantiles/2 && !good(t.hi-1); t.hi-- {
	}
	return t
}

// at is the quantile of u in (0, 1).
func (t *quantileTable) at(u float64) float64 {
	x := u * quantiles
	i := int(x)
	if i < t.lo || i >= t.hi {
		return t.exact(u)
	}
	return t.q[i] + (x-float64(i))*(t.q[i+1]-t.q[i])
}

// lognormalSpread is the quantile table of exp(σZ), Z standard normal:
// a lognormal of median 1.
func lognormalSpread(sigma float64) *quantileTable {
	if sigma == 0 {
		return newQuantileTable(func(float64) float64 { return 1 })
	}
	return newQuantileTable(func(u float64) float64 { return math.Exp(sigma * math.Sqrt2 * math.Erfinv(2*u-1)) })
}

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// unitExponential is the exponential distribution of mean 1.
var unitExponential = newQuantileTable(func(u float64) float64 { return -math.Log1p(-u) })
