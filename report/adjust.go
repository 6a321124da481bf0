package report

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// A miniature's edge figures hang on which popular objects its hash keeps:
// one head object in or out moves its request count, nearly all hits at
// the edge, by its whole traffic, and the hit ratios with it. SHARDS
// (Waldspurger et al., FAST '15) adjusts for this by counting the
// difference between the expected number of sampled references, R·N, and
// the actual number as hits ("SHARDS_adj"). The generator knows R·N per
// class without drawing the whole stream (workload.ClassTally: the Zipf
// classes' rates, the births' rates and volumes, every spike request), so
// a sample's summary adds, per class, Full − Kept/R requests (and the
// same in bytes) to the edge's hits: the summary's estimate is that of
// the expected whole stream, not of the objects the sample happened to
// hold.
//
// A class's excess, in the generator's requests and object bytes, is
// converted to the edge's cacheable requests and bytes at the class's
// ratio in the miniature (bypasses and errors excluded; range requests
// and compression change what a request makes), and added only if the
// miniature saw that class hit at the edge; a class with no request in
// the miniature counts as cacheable one for one (a story's few objects,
// all left out). It removes at most the hits the miniature counted.
//
// The breakdowns of the figures it changes keep adding up to them: the
// excess is spread over summary.json's pops[] and timeseries.csv's rows
// in proportion to their edge hits (hit bytes for bytes), by the largest
// remainder (split, apportion), and every added request is a Hit in
// latency_ms.by_result.

// classEdge is one class's edge figures in a sample's measured period.
type classEdge struct {
	requests, bytes          int64 // that reached the edge; bytes delivered
	cacheable, cacheableByte int64
	hits, hitBytes           int64
}

// SampleExcess is what a sample's summary added to the edge's hits (see
// SetSampleTally): full-scale estimates, negative when the sample held
// more of the popular objects than its share.
type SampleExcess struct {
	Requests int64 `json:"requests"`
	Bytes    int64 `json:"bytes"`
}

// SetSampleTally gives a sample's per-class tally (by class index) for the
// adjustment of its summary's edge figures; nil leaves the summary as
// measured. Call it after the run.
func (r *Recorder) SetSampleTally(t []workload.ClassTally) { r.tally = t }

// observeSample counts o in its class's edge figures and its POP's edge
// hit bytes (as the edge tier counts them: a hit's bytes, and the parts
// that hit of a request served in parts).
func (r *Recorder) observeSample(o *topology.Outcome, w int64) {
	if o.Edge == topology.NotReached {
		return
	}
	c := &r.byClass[o.Class]
	c.requests += w
	c.bytes += o.Size * w
	for _, res := range cacheableResults {
		if o.Edge == res {
			c.cacheable += w
			c.cacheableByte += o.Size * w
		}
	}
	hitBytes := o.PartHitBytes[topology.TierEdge]
	if o.Edge == topology.Hit {
		c.hits += w
		c.hitBytes += o.Size * w
		hitBytes = o.Size
	}
	for int(o.POP) >= len(r.popHitBytes) {
		r.popHitBytes = append(r.popHitBytes, 0)
	}
	r.popHitBytes[o.POP] += hitBytes * w
}

// excess is a complete sample's excess at full scale (f = 1/(R·Unit): the
// counts' factor; the tally's, in requests, is 1/R), a
// generated workload's or a trace's; false for every other run (a whole
// run, a shard, an interrupted run), whose outputs are not adjusted.
func (r *Recorder) excess(f float64) (SampleExcess, bool) {
	if r.cfg.rate() == 1 || r.tally == nil || r.partial {
		return SampleExcess{}, false
	}
	var dReq, dBytes float64
	unit := float64(r.cfg.unit())
	for class, t := range r.tally {
		if class >= len(r.byClass) {
			break
		}
		c := &r.byClass[class]
		// The edge's cacheable requests and bytes per request and object
		// byte the generator sent: the cacheable share, times what range
		// requests and compression make of a request.
		share, byteShare := 1.0, 1.0
		if c.requests > 0 {
			if c.hits == 0 {
				continue // its popular objects do not hit: nothing to add as hits
			}
			if t.KeptRequests > 0 {
				share = float64(c.cacheable) / (t.KeptRequests * unit)
			}
			if t.KeptBytes > 0 {
				byteShare = float64(c.cacheableByte) / (t.KeptBytes * unit)
			}
		}
		dReq += math.Max((t.FullRequests-t.KeptRequests*f*unit)*share, -float64(c.hits)*f)
		dBytes += math.Max((t.FullBytes-t.KeptBytes*f*unit)*byteShare, -float64(c.hitBytes)*f)
	}
	return SampleExcess{Requests: int64(math.Round(dReq)), Bytes: int64(math.Round(dBytes))}, true
}

// strayShare is how far a class's kept requests may stray from its share
// (a factor either way) before a sample's summary warns of it, and
// minClassShare the share of the expected requests a class needs to be
// warned of.
const (
	strayShare    = 2.0
	minClassShare = 0.01
)

// sampleWarnings are a complete sample's warnings (f: excess) for the
// classes that carry at least minClassShare of the whole stream's
// expected requests and of which the sample holds more than strayShare
// times its share, or less than 1/strayShare: a story of fewer objects
// than 1/R (software-release's six installers at R = 0.01 are in the
// sample in 6 seeds of 100, at about 10 times their share, and out of it
// in the rest). The adjustment counts the difference at the edge, as
// hits; the other tiers carry the class as the sample has it.
func (r *Recorder) sampleWarnings(f float64) []string {
	var total float64
	for _, t := range r.tally {
		total += t.FullRequests
	}
	var out []string
	f *= float64(r.cfg.unit()) // the tally's factor: 1/R
	for class, t := range r.tally {
		if total <= 0 || t.FullRequests < minClassShare*total {
			continue
		}
		kept := t.KeptRequests * f / t.FullRequests
		if kept <= strayShare && kept >= 1/strayShare {
			continue
		}
		name := fmt.Sprintf("class %d", class)
		if class < len(r.cfg.Classes) {
			name = r.cfg.Classes[class]
		}
		out = append(out, fmt.Sprintf("sample: class %s: the sample holds %.3g times its share of the class's requests "+
			"(%.0f at full scale against %.0f expected, %.0f%% of all): the edge counts the difference as hits, "+
			"but the regional tier, the origin and the latencies carry the class as sampled; run other seeds, a larger sample rate or shards",
			name, kept, t.KeptRequests*f, t.FullRequests, 100*t.FullRequests/total))
	}
	return out
}

// SampleWarnings are the warnings a complete sample's summary adds to the
// scenario's (sampleWarnings), for a caller that prints them apart; none
// for any other run (a whole run, a shard, an interrupted run).
func (r *Recorder) SampleWarnings() []string {
	f := r.cfg.factor()
	if _, ok := r.excess(f); !ok {
		return nil
	}
	return r.sampleWarnings(f)
}

// adjust adds the sample's excess x to s's edge figures, at full scale (s
// already scaled by f = 1/R), spreads it over the POPs (split), and
// recomputes what depends on them.
func (r *Recorder) adjust(s *Summary, x SampleExcess, f float64) {
	s.SampleExcess = &x
	e := &s.Tiers.Edge
	e.Requests += x.Requests
	e.Hits += x.Requests
	e.FromCache += x.Requests
	e.Bytes += x.Bytes
	e.HitBytes += x.Bytes
	cacheable := e.Hits + e.RefreshHits + e.Misses + e.Collapsed
	e.HitRatio = NewRatio(e.Hits, cacheable)
	t, _ := r.totals()
	_, cb := t.tiers[topology.TierEdge].cacheable()
	e.ByteHitRatio = NewRatio(e.HitBytes, est(cb, f)+x.Bytes)
	s.Requests += x.Requests
	s.Bytes += x.Bytes
	s.Flows.ViewerEdge.Requests += x.Requests
	s.Flows.ViewerEdge.Bytes += x.Bytes
	if s.OriginOffload.Requests.Defined() {
		s.OriginOffload.Requests = complement(s.Tiers.Origin.Requests, s.Requests)
	}
	if s.OriginOffload.Bytes.Defined() {
		s.OriginOffload.Bytes = complement(s.Tiers.Origin.Bytes, s.Bytes)
	}
	// Every added request is an edge hit: latency_ms.by_result's requests
	// keep adding up to requests (the percentiles are as measured). A
	// sample that measured no hit has no Hit entry to add to.
	if h, ok := s.Latency.ByResult[topology.Hit.String()]; ok {
		h.Requests += x.Requests
		s.Latency.ByResult[topology.Hit.String()] = h
	}
	parts := make([]part, len(s.POPs))
	for i, p := range s.POPs {
		parts[i] = part{hits: p.Hits, requests: p.Requests, bytes: p.Bytes}
		if i < len(r.popHitBytes) {
			parts[i].hitBytes = est(r.popHitBytes[i], f)
		}
	}
	dReq, dBytes := x.split(parts)
	for i := range s.POPs {
		p := &s.POPs[i]
		p.Requests += dReq[i]
		p.Hits += dReq[i]
		p.Bytes += dBytes[i]
		p.HitRatio = NewRatio(p.Hits, est(r.pops[i].cacheable(), f)+dReq[i])
	}
}

// adjustRows spreads the sample's excess x over timeseries.csv's rows
// (split), scaled by f = 1/R, and recomputes their edge hit ratios and
// origin offloads, so that the columns add up to summary.json's figures.
func (r *Recorder) adjustRows(rows []intervalRow, x SampleExcess, f float64) {
	parts := make([]part, len(rows))
	for i := range rows {
		parts[i] = part{hits: rows[i].tiers[topology.TierEdge].results[topology.Hit],
			hitBytes: est(r.bins[i].tiers[topology.TierEdge].bytes[topology.Hit], f),
			requests: rows[i].requests, bytes: rows[i].bytes}
	}
	dReq, dBytes := x.split(parts)
	for i := range rows {
		row, e := &rows[i], &rows[i].tiers[topology.TierEdge]
		row.requests += dReq[i]
		row.bytes += dBytes[i]
		e.requests += dReq[i]
		e.results[topology.Hit] += dReq[i]
		n, b := r.bins[i].tiers[topology.TierEdge].cacheable()
		row.edgeReachable = est(n, f) + dReq[i]
		e.hitRatio = NewRatio(e.results[topology.Hit], row.edgeReachable)
		e.byteRatio = NewRatio(parts[i].hitBytes+dBytes[i], est(b, f)+dBytes[i])
		row.edgeHR, row.edgeBHR = e.hitRatio.v, e.byteRatio.v
		if row.offload.Defined() {
			row.offload = complement(row.originReqs, row.requests)
		}
		if row.byteOffload.Defined() {
			row.byteOffload = complement(row.originBytes, row.bytes)
		}
	}
}

// part is one part of a breakdown of the totals the adjustment changes (a
// POP of pops[], a row of timeseries.csv) as the outputs give it before
// the adjustment: its edge hits and hit bytes, its requests and bytes.
type part struct{ hits, hitBytes, requests, bytes int64 }

// split spreads x over parts, so that the parts' shares add up to x
// exactly: the requests in proportion to the parts' hits, the bytes to
// their hit bytes; when no part has any, in proportion to their requests
// (bytes), and when none has those either, evenly (apportion). A negative
// excess, at most the parts' hits (adjust removes no more hits than the
// sample measured), takes no part below zero hits.
func (x SampleExcess) split(parts []part) (reqs, bytes []int64) {
	weights := func(of func(p part) int64) []int64 {
		w := make([]int64, len(parts))
		for i, p := range parts {
			w[i] = of(p)
		}
		return w
	}
	reqs = apportion(x.Requests, weights(func(p part) int64 { return p.hits }), weights(func(p part) int64 { return p.requests }))
	bytes = apportion(x.Bytes, weights(func(p part) int64 { return p.hitBytes }), weights(func(p part) int64 { return p.bytes }))
	return reqs, bytes
}

// apportion divides the integer n into integer shares in proportion to
// the first of weights whose sum is positive (negative weights count as
// 0), or evenly when none has: the largest-remainder (Hamilton) method.
// Each share is its quota n·w/Σw rounded toward zero, and the units left
// go one each to the shares of the largest remainders; on equal
// remainders the earlier share first. So the shares add up to n exactly,
// each is within 1 of its quota, a zero weight gets nothing, and for
// −Σw ≤ n < 0 no share is below −w. The arithmetic is exact (128-bit
// products). All weights have len(weights[0]) elements.
func apportion(n int64, weights ...[]int64) []int64 {
	if len(weights) == 0 {
		return nil
	}
	out := make([]int64, len(weights[0]))
	if n == 0 || len(out) == 0 {
		return out
	}
	var w []int64
	var sum uint64
	for _, ws := range weights {
		w, sum = ws, 0
		for _, v := range ws {
			sum += uint64(max(v, 0))
		}
		if sum > 0 {
			break
		}
	}
	if sum == 0 {
		w, sum = make([]int64, len(out)), uint64(len(out))
		for i := range w {
			w[i] = 1
		}
	}
	abs := uint64(n)
	if n < 0 {
		abs = -abs
	}
	rem := make([]uint64, len(out))
	order := make([]int, len(out))
	left := abs
	for i, v := range w {
		// abs·v/sum ≤ abs < 2⁶⁴, so the 128-bit quotient fits.
		hi, lo := bits.Mul64(abs, uint64(max(v, 0)))
		q, r := bits.Div64(hi, lo, sum)
		out[i], rem[i], order[i] = int64(q), r, i
		left -= q
	}
	// left < len(out): each share lost less than one unit.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for _, i := range order[:left] {
		out[i]++
	}
	if n < 0 {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out
}
