package report

import (
	"math"

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

// observeClass counts o in its class's edge figures.
func (r *Recorder) observeClass(o *topology.Outcome) {
	if o.Edge == topology.NotReached {
		return
	}
	c := &r.byClass[o.Class]
	c.requests++
	c.bytes += o.Size
	for _, res := range cacheableResults {
		if o.Edge == res {
			c.cacheable++
			c.cacheableByte += o.Size
		}
	}
	if o.Edge == topology.Hit {
		c.hits++
		c.hitBytes += o.Size
	}
}

// adjust adds the sample's excess to s's edge figures, at full scale (s
// already scaled by f = 1/R), and recomputes what depends on them.
func (r *Recorder) adjust(s *Summary, f float64) {
	var dReq, dBytes float64
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
				share = float64(c.cacheable) / t.KeptRequests
			}
			if t.KeptBytes > 0 {
				byteShare = float64(c.cacheableByte) / t.KeptBytes
			}
		}
		dReq += math.Max((t.FullRequests-t.KeptRequests*f)*share, -float64(c.hits)*f)
		dBytes += math.Max((t.FullBytes-t.KeptBytes*f)*byteShare, -float64(c.hitBytes)*f)
	}
	x := SampleExcess{Requests: int64(math.Round(dReq)), Bytes: int64(math.Round(dBytes))}
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
}
