package report

import (
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// DefaultInterval is the bin width used when Config.Interval is zero:
// 288 bins a day is fine enough to see a spike's shape and coarse enough
// that every bin holds a meaningful sample.
const DefaultInterval = 5 * sim.Minute

// DefaultDuration is the simulated span assumed when Config.Duration is
// not positive: the built-in scenarios simulate one day.
const DefaultDuration = 24 * sim.Hour

// Marker labels an instant on the plots, e.g. the start of a viral spike.
type Marker struct {
	At    sim.Time
	Label string
}

// Config describes the run a Recorder observes.
type Config struct {
	Scenario string
	Seed     uint64
	// Duration is the simulated span, starting at 0. Outcomes outside
	// [0, Duration) count in the totals and in the nearest bin.
	Duration sim.Time
	// Interval is the width of a time-series bin; DefaultInterval when 0.
	Interval sim.Time
	POPs     []string // POP names by Outcome.POP
	Regions  []string // regional cache names by Outcome.Region
	Markers  []Marker // drawn on every plot and listed in summary.json
}

// tierCount is what one cache tier did with the requests that reached it.
type tierCount struct {
	requests, hits, misses, collapsed, bypass int64
	bytes, hitBytes, bypassBytes              int64
}

// add counts one request that reached the tier with result res.
func (t *tierCount) add(res topology.Result, size int64) {
	t.requests++
	t.bytes += size
	switch res {
	case topology.Hit:
		t.hits++
		t.hitBytes += size
	case topology.Miss:
		t.misses++
	case topology.Collapsed:
		t.collapsed++
	case topology.Bypass:
		t.bypass++
		t.bypassBytes += size
	}
}

func (t *tierCount) merge(u *tierCount) {
	t.requests += u.requests
	t.hits += u.hits
	t.misses += u.misses
	t.collapsed += u.collapsed
	t.bypass += u.bypass
	t.bytes += u.bytes
	t.hitBytes += u.hitBytes
	t.bypassBytes += u.bypassBytes
}

// hitRatio is hits over the requests the tier could have cached: bypassed
// requests never had a chance, so counting them would make a cache look
// worse for traffic it was told not to cache.
func (t *tierCount) hitRatio() float64 {
	return ratio(t.hits, t.requests-t.bypass)
}

func (t *tierCount) byteHitRatio() float64 {
	return ratio(t.hitBytes, t.bytes-t.bypassBytes)
}

// ratio is a/b, and 0 for an empty denominator so JSON never sees NaN.
func ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// bin holds the counters of one time-series interval. Run totals are the
// sum of the bins, so Observe updates each figure once.
type bin struct {
	requests, bytes         int64
	edge, regional          tierCount
	originReqs, originBytes int64
	ttfbSum                 int64 // ns; for the mean (5e15 for a 5M-request day of 1 s TTFBs: no overflow)
	ttfbMin, ttfbMax        int64 // exact extremes, to clamp interpolated percentiles
	errors5xx, staleServed  int64 // viewer responses that were 5xx, and stale stand-ins for errors
}

// popCount is one POP's edge figures.
type popCount struct {
	requests, hits, bypass, bytes, hitBytes int64
	region                                  int32 // -1 until the POP's first Outcome
}

// Recorder is a topology.Observer that bins Outcomes by time. Its memory is
// fixed by the Config (about 1.5 kB per interval plus 4 bytes per simulated
// second), and Observe allocates nothing. It is not safe for concurrent use.
type Recorder struct {
	cfg      Config
	nBins    int64
	bins     []bin
	hist     []uint32 // nBins × nBuckets TTFB counts, one histogram per interval
	originPS []int32  // origin fetches started in each second of virtual time
	pops     []popCount
	bypass   [4]int64 // by topology.BypassReason
	net      topology.Stats
	// errors5xx and staleServed count viewer responses over the whole run.
	errors5xx, staleServed int64

	// Outcomes arrive in time order, so most fall in the bin of the last
	// one: checking [curStart, curEnd) saves a 64-bit division per request.
	cur              int64
	curStart, curEnd sim.Time
}

var _ topology.Observer = (*Recorder)(nil)

// NewRecorder returns a Recorder for a run described by cfg. A zero
// Interval means DefaultInterval and a non-positive Duration means
// DefaultDuration; an Interval longer than the Duration gives one bin.
func NewRecorder(cfg Config) *Recorder {
	if cfg.Duration <= 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Interval > cfg.Duration {
		cfg.Interval = cfg.Duration
	}
	// Copy the slices so a caller reusing its Config cannot change labels
	// after the fact.
	cfg.POPs = append([]string(nil), cfg.POPs...)
	cfg.Regions = append([]string(nil), cfg.Regions...)
	cfg.Markers = append([]Marker(nil), cfg.Markers...)

	n := ceilDiv(int64(cfg.Duration), int64(cfg.Interval))
	r := &Recorder{
		cfg:      cfg,
		nBins:    n,
		bins:     make([]bin, n),
		hist:     make([]uint32, n*nBuckets),
		originPS: make([]int32, ceilDiv(int64(cfg.Duration), int64(sim.Second))),
		pops:     make([]popCount, len(cfg.POPs)),
	}
	for i := range r.bins {
		r.bins[i].ttfbMin = -1 // no sample yet
	}
	for i := range r.pops {
		r.pops[i].region = -1
	}
	return r
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// Config returns the Recorder's configuration with defaults filled in.
func (r *Recorder) Config() Config { return r.cfg }

// clampIndex maps a time to an index of a series of n slots of width w.
func clampIndex(t sim.Time, w sim.Time, n int64) int64 {
	if t < 0 {
		return 0
	}
	i := int64(t / w)
	if i >= n {
		return n - 1
	}
	return i
}

// Observe folds one Outcome into the counters. It allocates nothing except
// the first time it sees a POP index beyond Config.POPs.
func (r *Recorder) Observe(o *topology.Outcome) {
	bi := r.cur
	if o.Time < r.curStart || o.Time >= r.curEnd {
		bi = r.binOf(o.Time)
	}
	b := &r.bins[bi]
	size := o.Size
	b.requests++
	b.bytes += size
	if o.Edge != topology.NotReached {
		b.edge.add(o.Edge, size)
	}
	if o.Regional != topology.NotReached {
		b.regional.add(o.Regional, size)
	}
	if o.Status >= 500 {
		r.errors5xx++
		b.errors5xx++
	}
	if o.StaleServed {
		r.staleServed++
		b.staleServed++
	}
	if o.BypassReason != topology.NoBypass && int(o.BypassReason) < len(r.bypass) {
		r.bypass[o.BypassReason]++
	}
	if o.Origin {
		b.originReqs++
		b.originBytes += o.OriginBytes
		r.originPS[clampIndex(o.Time, sim.Second, int64(len(r.originPS)))]++
	}

	ttfb := max(int64(o.TTFB), 0)
	r.hist[bi*nBuckets+int64(bucketOf(ttfb))]++
	b.ttfbSum += ttfb
	if b.ttfbMin < 0 || ttfb < b.ttfbMin {
		b.ttfbMin = ttfb
	}
	if ttfb > b.ttfbMax {
		b.ttfbMax = ttfb
	}

	if int(o.POP) >= len(r.pops) {
		r.growPOPs(int(o.POP) + 1)
	}
	p := &r.pops[o.POP]
	p.requests++
	p.bytes += size
	if p.region < 0 {
		p.region = int32(o.Region)
	}
	switch o.Edge {
	case topology.Hit:
		p.hits++
		p.hitBytes += size
	case topology.Bypass:
		p.bypass++
	}
}

// SetNetworkStats records the network's own counters (origin connections,
// invalidations) for the summary; call it after the run.
func (r *Recorder) SetNetworkStats(s topology.Stats) { r.net = s }

// binOf finds the bin of t and makes it the current one. A time outside
// [0, Duration) leaves an empty window, so it never takes the fast path.
func (r *Recorder) binOf(t sim.Time) int64 {
	i := clampIndex(t, r.cfg.Interval, r.nBins)
	r.cur, r.curStart, r.curEnd = i, 0, 0
	if t >= 0 && t < r.cfg.Duration {
		r.curStart = r.cfg.Interval * sim.Time(i)
		r.curEnd = min(r.curStart+r.cfg.Interval, r.cfg.Duration)
	}
	return i
}

// growPOPs handles a POP index beyond Config.POPs (a caller that did not
// name its POPs); out of line because it runs at most once per POP.
func (r *Recorder) growPOPs(n int) {
	for len(r.pops) < n {
		r.pops = append(r.pops, popCount{region: -1})
	}
}
