package workload

import (
	"math"

	"github.com/cdnsim/cdnsim/sim"
)

// MaxRangeParts bounds Class.RangeParts: download managers open a handful
// of connections to one server (aria2 and most others allow up to 16).
const MaxRangeParts = 16

// Ranges is a Source that turns a share of another source's GETs into range
// requests, as each class's Range* keys say: a seek starts at a uniformly
// drawn byte, an early stop reads a uniform share of the bytes from its
// start, and a parallel download splits its bytes into RangeParts equal
// ranges, all requested at the same instant, one after the other in the
// stream.
//
// Every draw is a fixed function of (seed, object, arrival time): it is
// counter-based, not taken from a shared sequential stream, so a request
// gets the same range whichever other requests a run keeps (sampling,
// shards) and whatever order the source interleaves them in. Next
// allocates nothing.
type Ranges struct {
	src   Source
	seed  uint64
	spec  []rangeSpec // by class
	parts [MaxRangeParts]Request
	i, n  int // parts[i:n] are still to be emitted
}

type rangeSpec struct {
	on                   bool
	seek, stop, parallel float64
	parts                int
}

// NewRanges wraps src so that the requests of classes (by Request.Class)
// asking for ranges get them, drawn with seed. It returns src itself when
// no class asks for any, so a run without ranges pays nothing.
func NewRanges(src Source, classes []Class, seed uint64) Source {
	s := &Ranges{src: src, seed: sim.Mix64(seed ^ 0x5851f42d4c957f2d)}
	on := false
	for _, c := range classes {
		sp := rangeSpec{seek: c.RangeSeekShare, stop: c.RangeStopShare, parallel: c.RangeParallelShare, parts: c.RangeParts}
		sp.on = sp.seek > 0 || sp.stop > 0 || (sp.parallel > 0 && sp.parts > 1)
		on = on || sp.on
		s.spec = append(s.spec, sp)
	}
	if !on {
		return src
	}
	return s
}

// rangeFactors are the viewer requests and body bytes a request of class c
// makes on average once Ranges has had its GETs (a share get of its
// requests): a parallel download is RangeParts requests for the same
// bytes; a seek starts at a uniform byte, an early stop reads a uniform
// share of what follows, each halving the bytes on average. (Objects of
// fewer bytes than parts are left out: negligible.)
func rangeFactors(c Class, get float64) (perRequest, perByte float64) {
	extra := 0.0
	if c.RangeParallelShare > 0 && c.RangeParts > 1 {
		extra = c.RangeParallelShare * float64(c.RangeParts-1)
	}
	cut := (1 - c.RangeSeekShare/2) * (1 - c.RangeStopShare/2)
	return 1 + get*extra, 1 - get + get*cut
}

// unit is the i-th uniform draw in [0, 1) of key h.
func unit(h uint64, i uint64) float64 {
	return float64(sim.Mix64(h+i*0x9e3779b97f4a7c15)>>11) / (1 << 53)
}

// Next implements Source.
func (s *Ranges) Next(r *Request) bool {
	if s.i < s.n {
		*r = s.parts[s.i]
		s.i++
		return true
	}
	if !s.src.Next(r) {
		return false
	}
	// A request that is a range already (a trace's) keeps it.
	if r.Ranged() || int(r.Class) >= len(s.spec) || !s.spec[r.Class].on || r.Method != GET || r.Size < 2 {
		return true
	}
	sp := &s.spec[r.Class]
	h := sim.Mix64(s.seed ^ sim.Mix64(r.Object^sim.Mix64(uint64(r.Time))))
	start, end := int64(0), r.Size
	if unit(h, 0) < sp.seek {
		start = min(int64(unit(h, 1)*float64(r.Size)), r.Size-1)
	}
	if unit(h, 2) < sp.stop {
		end = start + max(1, int64(math.Ceil(unit(h, 3)*float64(r.Size-start))))
		end = min(end, r.Size)
	}
	parts := 1
	if unit(h, 4) < sp.parallel {
		parts = int(min(int64(sp.parts), end-start))
	}
	if parts <= 1 {
		if start > 0 || end < r.Size {
			r.RangeStart, r.RangeEnd = start, end
		}
		return true
	}
	step := (end - start) / int64(parts)
	for j := range parts {
		p := &s.parts[j]
		*p = *r
		p.RangeStart = start + int64(j)*step
		p.RangeEnd = p.RangeStart + step
	}
	s.parts[parts-1].RangeEnd = end
	*r = s.parts[0]
	s.i, s.n = 1, parts
	return true
}
