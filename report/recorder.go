package report

import (
	"fmt"
	"math/bits"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
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
	// Warmup is simulated before the measured period and not counted:
	// Outcomes before it are ignored, and every time in the outputs is
	// from its end.
	Warmup sim.Time
	// Duration is the measured span, starting at Warmup. Outcomes after
	// it (or, without a warm-up, before 0) count in the totals and in the
	// nearest bin.
	Duration sim.Time
	// Interval is the width of a time-series bin; DefaultInterval when 0.
	Interval sim.Time
	POPs     []string // POP names by Outcome.POP
	Regions  []string // regional cache names by Outcome.Region
	Classes  []string // content class names by Outcome.Class, for a sample's warnings (sampleWarnings)
	Markers  []Marker // drawn on every plot and listed in summary.json, at times from the end of the warm-up
	// Warnings are listed in summary.json (topology checks and the like).
	Warnings []string
	// SampleRate is the share of the objects the run simulates, in (0, 1];
	// 0 means 1. Outputs of a miniature are full-scale estimates: counts
	// and rates divided by it.
	SampleRate float64
	// ClassRates are, in a sample, the rates it kept each class at (by
	// Classes' index; nil: SampleRate for all), and Unit is then what a
	// request counts for (Outcome.Weight): every count is divided by it
	// as well as by SampleRate. 0 means 1.
	ClassRates []float64
	Unit       int64
	// Shard is the index of a shard among Shards (a miniature at R =
	// 1/Shards whose raw counts WriteFiles also keeps, for MergeShards);
	// Shards is 0 for a run that is not a shard. A merge of shards has
	// Shard −1 and SampleRate 1.
	Shard, Shards int
}

// shardLabel is "2/8" for a shard, "8 shards" for a merge, "" otherwise.
func (c *Config) shardLabel() string {
	switch {
	case c.Shards == 0:
		return ""
	case c.Shard < 0:
		return fmt.Sprintf("%d shards", c.Shards)
	}
	return fmt.Sprintf("%d/%d", c.Shard, c.Shards)
}

// factor is what a run's counts are multiplied by for full-scale
// estimates: 1/(R·Unit).
func (c *Config) factor() float64 { return 1 / (c.rate() * float64(c.unit())) }

// classRates is summary.json's sample_class_rates: the classes kept at
// more than the sample's rate, by name; nil when there are none.
func (c *Config) classRates() map[string]float64 {
	var m map[string]float64
	for i, rc := range c.ClassRates {
		if rc == c.rate() {
			continue
		}
		if m == nil {
			m = map[string]float64{}
		}
		name := fmt.Sprintf("class %d", i)
		if i < len(c.Classes) {
			name = c.Classes[i]
		}
		m[name] = rc
	}
	return m
}

// unit is Unit with its default.
func (c *Config) unit() int64 { return max(c.Unit, 1) }

// rate is SampleRate with its default.
func (c *Config) rate() float64 {
	if c.SampleRate <= 0 {
		return 1
	}
	return c.SampleRate
}

// minErrorStatus is the lowest status that is an error answer.
const minErrorStatus = 400

// tierCount is what one cache tier did with the requests that reached it.
type tierCount struct {
	results [topology.NumResults]int64 // by result (the NotReached slot stays 0)
	bytes   [topology.NumResults]int64 // body bytes the tier sent downstream, by result
	// Each request that reached the tier was answered in one of four ways:
	// from its cache (fromCache), by a fetch upstream (upstream; a
	// stale-while-revalidate hit is answered from the cache and revalidated
	// upstream: it counts here), by joining a fetch in flight (the
	// Collapsed results), or from a cached error response (cachedErrors).
	fromCache, upstream, cachedErrors int64
}

// add counts a request of weight w (Outcome.Weight) that reached the
// tier with result res, bytes sent downstream, and whether the tier sent
// it upstream. partHit is the
// part of bytes the tier answered from its cache although res is not a
// Hit (a request served in parts, some of which hit): hit bytes.
func (t *tierCount) add(res topology.Result, bytes, partHit int64, up bool, w int64) {
	t.results[res] += w
	t.bytes[res] += (bytes - partHit) * w
	t.bytes[topology.Hit] += partHit * w
	switch {
	case up:
		t.upstream += w
	case res == topology.Hit:
		t.fromCache += w
	case res == topology.Error:
		t.cachedErrors += w
	}
}

func (t *tierCount) merge(u *tierCount) {
	for i := range t.results {
		t.results[i] += u.results[i]
		t.bytes[i] += u.bytes[i]
	}
	t.fromCache += u.fromCache
	t.upstream += u.upstream
	t.cachedErrors += u.cachedErrors
}

func (t *tierCount) requests() int64 {
	var n int64
	for _, c := range t.results {
		n += c
	}
	return n
}

// cacheableResults are the results of requests a tier could have answered
// from its cache, as CloudFront's CacheHitRate counts them: not bypassed
// (POST, PUT and other uncacheable requests) and not errors.
var cacheableResults = [...]topology.Result{topology.Hit, topology.RefreshHit, topology.Miss, topology.Collapsed}

// cacheable is the requests the tier could have answered from its cache,
// as CloudFront's CacheHitRate counts them: not bypassed (POST, PUT and
// other uncacheable requests) and not errors.
func (t *tierCount) cacheable() (reqs, bytes int64) {
	for _, res := range cacheableResults {
		reqs += t.results[res]
		bytes += t.bytes[res]
	}
	return reqs, bytes
}

// hitRatio follows CloudFront's CacheHitRate: hits over cacheable
// requests. A RefreshHit went to the origin, so it is not a hit.
func (t *tierCount) hitRatio() Ratio {
	n, _ := t.cacheable()
	return NewRatio(t.results[topology.Hit], n)
}

// byteHitRatio is hitRatio in body bytes sent downstream.
func (t *tierCount) byteHitRatio() Ratio {
	_, b := t.cacheable()
	return NewRatio(t.bytes[topology.Hit], b)
}

// bin holds the counters of one time-series interval. Run totals are the
// sum of the bins, so Observe updates each figure once.
type bin struct {
	requests, bytes  int64 // viewer requests and body bytes delivered to viewers
	tiers            [topology.NumTiers]tierCount
	flows            [topology.NumFlows]topology.FlowCount
	ttfbSum          int64 // ns; for the mean (5e15 for a 5M-request day of 1 s TTFBs: no overflow)
	ttfbMin, ttfbMax int64 // exact extremes, to clamp interpolated percentiles
	// Viewer responses that were 5xx and 4xx, stale copies served for an
	// error, requests sent to a POP that was down, and requests whose
	// origin fetch an origin group failed over to its secondary.
	errors5xx, errors4xx, staleServed, popDown, failovers int64
}

// originRequests is the requests that reached the origin, over any flow.
func (b *bin) origin() (reqs, bytes int64) {
	for f := range topology.NumFlows {
		if f.ToOrigin() {
			reqs += b.flows[f].Requests
			bytes += b.flows[f].Bytes
		}
	}
	return reqs, bytes
}

// popCount is one POP's edge figures.
type popCount struct {
	results [topology.NumResults]int64
	bytes   int64
	region  int32 // -1 until the POP's first Outcome
	steered int64 // requests sent here past a nearer POP over capacity
	// sec is the whole second of measured time secBytes counts the
	// egress of; peak is the most of any second before it.
	sec, secBytes, peak int64
}

// cacheable is the POP's requests its edge hit ratio divides by (as the
// tier's: cacheableResults).
func (p *popCount) cacheable() int64 {
	var n int64
	for _, res := range cacheableResults {
		n += p.results[res]
	}
	return n
}

// latencyStats is a TTFB histogram with its exact extremes and sum.
type latencyStats struct {
	n, sum, min, max int64
}

// Recorder is a topology.Observer that bins Outcomes by time. Its memory is
// fixed by the Config (about 2 kB per interval plus 4 bytes per simulated
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
	// byResult is TTFB by the edge's result (a request to a POP that was
	// down counts as an Error), over the whole run: resultHist holds
	// NumResults histograms of nBuckets.
	byResult   [topology.NumResults]latencyStats
	resultHist []uint64
	// warmup counts the Outcomes before Config.Warmup, which are not
	// measured; simulated counts every Outcome, one each whatever its
	// weight.
	warmup, simulated int64
	extras            extras
	ranges            rangeCount
	// byStatus counts the error answers to viewers by status
	// (minErrorStatus+i).
	byStatus [600 - minErrorStatus]int64
	// partial is set by Stop: the run was interrupted at Config.Duration.
	partial bool
	// spread is set on the merge of shards (MergeShards).
	spread *ShardSpread
	// byClass holds a sample's edge figures by class, tally its generator's
	// counts, for the adjustment of its summary (adjust.go), and
	// popHitBytes its edge hit bytes by POP, to spread the adjustment over
	// the POPs; all nil for other runs.
	byClass     []classEdge
	tally       []workload.ClassTally
	popHitBytes []int64

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
	cfg.Warmup = max(cfg.Warmup, 0)
	// Copy the slices so a caller reusing its Config cannot change labels
	// after the fact.
	cfg.POPs = append([]string(nil), cfg.POPs...)
	cfg.Regions = append([]string(nil), cfg.Regions...)
	cfg.Classes = append([]string(nil), cfg.Classes...)
	cfg.Markers = append([]Marker(nil), cfg.Markers...)
	cfg.Warnings = append([]string(nil), cfg.Warnings...)
	cfg.ClassRates = append([]float64(nil), cfg.ClassRates...)

	n := ceilDiv(int64(cfg.Duration), int64(cfg.Interval))
	r := &Recorder{
		cfg:        cfg,
		nBins:      n,
		bins:       make([]bin, n),
		hist:       make([]uint32, n*nBuckets),
		originPS:   make([]int32, ceilDiv(int64(cfg.Duration), int64(sim.Second))),
		pops:       make([]popCount, len(cfg.POPs)),
		resultHist: make([]uint64, int(topology.NumResults)*nBuckets),
	}
	for i := range r.bins {
		r.bins[i].ttfbMin = -1 // no sample yet
	}
	for i := range r.byResult {
		r.byResult[i].min = -1
	}
	for i := range r.pops {
		r.pops[i].region = -1
	}
	if cfg.rate() < 1 && cfg.Shards == 0 {
		r.byClass = make([]classEdge, 1<<8) // Outcome.Class is a uint8
		r.popHitBytes = make([]int64, len(cfg.POPs))
	}
	return r
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// Config returns the Recorder's configuration with defaults filled in.
func (r *Recorder) Config() Config { return r.cfg }

// WarmupRequests is the number of Outcomes observed during the warm-up,
// which the outputs leave out.
func (r *Recorder) WarmupRequests() int64 { return r.warmup }

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
	r.simulated++
	if r.cfg.Warmup > 0 && o.Time < r.cfg.Warmup {
		r.warmup++
		return
	}
	w := int64(max(o.Weight, 1))
	t := o.Time - r.cfg.Warmup
	bi := r.cur
	if t < r.curStart || t >= r.curEnd {
		bi = r.binOf(t)
	}
	b := &r.bins[bi]
	b.requests += w
	b.bytes += o.Size * w
	if r.byClass != nil {
		r.observeSample(o, w)
	}
	res := o.Edge
	if o.Edge != topology.NotReached {
		b.tiers[topology.TierEdge].add(o.Edge, o.Size, o.PartHitBytes[topology.TierEdge], o.SentUpstream(topology.TierEdge), w)
		if o.Regional != topology.NotReached {
			b.tiers[topology.TierRegional].add(o.Regional, o.FlowBytes[topology.EdgeRegional], o.PartHitBytes[topology.TierRegional], o.SentUpstream(topology.TierRegional), w)
		}
		if o.Shield != topology.NotReached {
			b.tiers[topology.TierShield].add(o.Shield, o.FlowBytes[topology.RegionalShield], o.PartHitBytes[topology.TierShield], o.SentUpstream(topology.TierShield), w)
		}
	} else {
		b.popDown += w
		res = topology.Error // what CloudFront would log
	}
	for fl := o.Flows; fl != 0; fl &= fl - 1 {
		f := bits.TrailingZeros8(fl)
		b.flows[f].Requests += w
		b.flows[f].Bytes += o.FlowBytes[f] * w
	}
	if o.ToOrigin() {
		r.originPS[clampIndex(t, sim.Second, int64(len(r.originPS)))] += int32(w)
	}
	if o.Status >= minErrorStatus {
		if o.Status >= 500 {
			b.errors5xx += w
		} else {
			b.errors4xx += w
		}
		if int(o.Status) < 600 {
			r.byStatus[o.Status-minErrorStatus] += w
		}
	}
	if o.Failover {
		b.failovers += w
	}
	if o.StaleServed {
		b.staleServed += w
	}
	if o.Variant || o.Encoding != 0 || o.Functions != 0 {
		r.extras.add(o, w)
	}
	if o.BypassReason != topology.NoBypass && int(o.BypassReason) < len(r.bypass) {
		r.bypass[o.BypassReason] += w
	}
	if o.RangeEnd > 0 || o.Parts > 0 {
		r.ranges.add(o, w)
	}

	ttfb := max(int64(o.TTFB), 0)
	bucket := int64(bucketOf(ttfb))
	r.hist[bi*nBuckets+bucket] += uint32(w)
	b.ttfbSum += ttfb * w
	if b.ttfbMin < 0 || ttfb < b.ttfbMin {
		b.ttfbMin = ttfb
	}
	if ttfb > b.ttfbMax {
		b.ttfbMax = ttfb
	}
	ls := &r.byResult[res]
	r.resultHist[int64(res)*nBuckets+bucket] += uint64(w)
	ls.n += w
	ls.sum += ttfb * w
	if ls.min < 0 || ttfb < ls.min {
		ls.min = ttfb
	}
	ls.max = max(ls.max, ttfb)

	if int(o.POP) >= len(r.pops) {
		r.growPOPs(int(o.POP) + 1)
	}
	p := &r.pops[o.POP]
	p.results[o.Edge] += w
	p.bytes += o.Size * w
	if sec := int64(t / sim.Second); sec != p.sec {
		p.peak = max(p.peak, p.secBytes)
		p.sec, p.secBytes = sec, 0
	}
	p.secBytes += o.Size * w
	if o.Steered {
		p.steered += w
	}
	if p.region < 0 {
		p.region = int32(o.Region)
	}
}

// SetNetworkStats records the network's own counters (origin connections,
// invalidations) for the summary; call it after the run.
func (r *Recorder) SetNetworkStats(s topology.Stats) { r.net = s }

// binOf finds the bin of t (measured time) and makes it the current one.
// A time outside [0, Duration) leaves an empty window, so it never takes
// the fast path.
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
