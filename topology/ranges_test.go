package topology

import (
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

const mib = 1 << 20

// rangeLine is line() with 1 MiB parts, a POP that holds 64 MiB and an
// hour's TTL.
func rangeLine(chunk int64) Config {
	cfg := line()
	cfg.ChunkSize = chunk
	cfg.POPs[0].Cache.Capacity = 64 * mib
	cfg.Classes[0].CacheControl = "max-age=3600"
	return cfg
}

// rangeReqs are requests for one 10 MiB object: bytes 2.5-4.5 MiB (parts
// 2, 3, 4), then 3-4 MiB (part 3), 4-6 MiB (parts 4, 5), the whole object.
func rangeReqs() []workload.Request {
	const size = 10 * mib
	return []workload.Request{
		{Time: 0, Object: 7, Size: size, RangeStart: 5 * mib / 2, RangeEnd: 9 * mib / 2},
		{Time: 10 * sim.Second, Object: 7, Size: size, RangeStart: 3 * mib, RangeEnd: 4 * mib},
		{Time: 20 * sim.Second, Object: 7, Size: size, RangeStart: 4 * mib, RangeEnd: 6 * mib},
		{Time: 30 * sim.Second, Object: 7, Size: size},
	}
}

// TestRangesByHand walks a 10 MiB object cached in 1 MiB parts.
func TestRangesByHand(t *testing.T) {
	t.Parallel()
	n, obs := run(t, rangeLine(mib), rangeReqs())
	want := []struct {
		edge                   Result
		status                 uint16
		size                   int64
		parts, hits, fromOrig  uint32
		edgeRegional, partHits int64
	}{
		// Parts 2, 3 and 4 miss everywhere: 2 MiB to the viewer, three
		// whole parts (3 MiB) fetched over each flow.
		{Miss, 206, 2 * mib, 3, 0, 3, 3 * mib, 0},
		// Part 3 was cached by the first request: a hit, nothing upstream.
		{Hit, 206, mib, 1, 1, 0, 0, 0},
		// Part 4 hits (1 MiB from the cache), part 5 misses: a Miss whose
		// bytes are half hit.
		{Miss, 206, 2 * mib, 2, 1, 1, mib, mib},
		// The whole object: parts 2-5 hit, the other six are fetched.
		{Miss, 200, 10 * mib, 10, 4, 6, 6 * mib, 4 * mib},
	}
	if len(obs.outs) != len(want) {
		t.Fatalf("%d outcomes, want %d", len(obs.outs), len(want))
	}
	for i, w := range want {
		o := obs.outs[i]
		got := []int64{int64(o.Edge), int64(o.Status), o.Size, int64(o.Parts), int64(o.PartHits), int64(o.OriginParts),
			o.FlowBytes[EdgeRegional], o.PartHitBytes[TierEdge]}
		exp := []int64{int64(w.edge), int64(w.status), w.size, int64(w.parts), int64(w.hits), int64(w.fromOrig),
			w.edgeRegional, w.partHits}
		for j := range got {
			if got[j] != exp[j] {
				t.Errorf("request %d: got edge %v status %d size %d parts %d hits %d origin parts %d edge→regional %d part-hit bytes %d; want %+v",
					i, o.Edge, o.Status, o.Size, o.Parts, o.PartHits, o.OriginParts, o.FlowBytes[EdgeRegional], o.PartHitBytes[TierEdge], w)
				break
			}
		}
		if o.FlowBytes[RegionalOrigin] != w.edgeRegional {
			t.Errorf("request %d: %d bytes from the origin, want %d (the regional cache missed the same parts)", i, o.FlowBytes[RegionalOrigin], w.edgeRegional)
		}
		if r := rangeReqs()[i]; o.RangeStart != r.RangeStart || o.RangeEnd != r.RangeEnd {
			t.Errorf("request %d: range [%d, %d), want [%d, %d)", i, o.RangeStart, o.RangeEnd, r.RangeStart, r.RangeEnd)
		}
	}
	// Every part is in the POP's cache, each as its own entry of its own size.
	pop := n.POP(0)
	for k := range int64(10) {
		if !pop.Contains(cache.ObjectID(partKey(7, k))) {
			t.Errorf("part %d is not cached", k)
		}
	}
	if pop.Contains(7) || pop.Used() != 10*mib || pop.Len() != 10 {
		t.Errorf("POP holds %d entries, %d bytes (whole object: %v), want the 10 parts of 1 MiB", pop.Len(), pop.Used(), pop.Contains(7))
	}
	// Flows count each request once, with all its parts' bytes.
	if f := n.Stats.Flows[EdgeRegional]; f.Requests != 3 || f.Bytes != 10*mib {
		t.Errorf("edge→regional: %+v, want 3 requests, 10 MiB", f)
	}

	// The first byte waits for the first part only: the same as a whole
	// object's miss on a cold connection (TestLatencyByHand). The hit's
	// last byte follows at the viewer's 8 Mbit/s.
	rV, rP, rO := degRTT(1), degRTT(9), degRTT(30)
	cold := rV + hopProcessing + rP + hopProcessing + 3*rO + 20*sim.Millisecond
	if o := obs.outs[0]; o.TTFB-cold < -1 || o.TTFB-cold > 1 {
		t.Errorf("first part's miss: TTFB %v, want %v", o.TTFB, cold)
	}
	if o := obs.outs[1]; o.TTFB != rV+hopProcessing || o.TTLB != o.TTFB+transfer(mib, 8e6) {
		t.Errorf("hit: TTFB %v TTLB %v, want %v and %v", o.TTFB, o.TTLB, rV+hopProcessing, rV+hopProcessing+transfer(mib, 8e6))
	}
	// The next part is fetched while the viewer receives the one before
	// (half a MiB of part 2 alone takes 0.52 s at 8 Mbit/s, a warm fetch
	// 0.13 s), so the viewer's rate is all the last byte waits for.
	if o := obs.outs[0]; o.TTLB-o.TTFB-transfer(2*mib, 8e6) > 1 {
		t.Errorf("three missed parts: TTLB %v, want TTFB %v + %v", o.TTLB, o.TTFB, transfer(2*mib, 8e6))
	}
}

// TestRangesWholeObjects: without parts, the first range request fetches
// and caches the whole object, so every later one hits, and the viewer
// gets the range's bytes only.
func TestRangesWholeObjects(t *testing.T) {
	t.Parallel()
	_, obs := run(t, rangeLine(0), rangeReqs())
	for i, o := range obs.outs {
		wantEdge, wantUp := Hit, int64(0)
		if i == 0 {
			wantEdge, wantUp = Miss, 10*mib
		}
		if o.Edge != wantEdge || o.FlowBytes[EdgeRegional] != wantUp || o.Parts != 0 || o.Size != rangeReqs()[i].Length() {
			t.Errorf("request %d: edge %v, %d bytes upstream, %d parts, size %d; want %v, %d, 0, %d",
				i, o.Edge, o.FlowBytes[EdgeRegional], o.Parts, o.Size, wantEdge, wantUp, rangeReqs()[i].Length())
		}
	}
}

// TestRangesInvalidate: an invalidation of the object's path removes its
// parts from every cache.
func TestRangesInvalidate(t *testing.T) {
	t.Parallel()
	cfg := rangeLine(mib)
	cfg.Invalidations = []Invalidation{{At: 5 * time.Second, Paths: []string{"/s/7"}, Propagation: time.Second}}
	reqs := rangeReqs()[:2]
	n, obs := run(t, cfg, reqs)
	if o := obs.outs[1]; o.Edge != Miss || o.Regional != Miss {
		t.Errorf("after the invalidation: edge %v, regional %v, want misses", o.Edge, o.Regional)
	}
	if n.Stats.InvalidatedObjects != 6 {
		t.Errorf("%d cached parts invalidated, want 6 (3 at the POP, 3 at the regional cache)", n.Stats.InvalidatedObjects)
	}
}

func TestChunkSizeValidated(t *testing.T) {
	cfg := rangeLine(-1)
	err := cfg.Validate()
	if fe, ok := err.(*FieldError); !ok || fe.Key != "ranges.chunk_size" {
		t.Errorf("chunk size -1: %v, want an error at ranges.chunk_size", err)
	}
}

// TestRangesReadAhead: with a viewer faster than any fetch, the parts'
// fetches show: each missed part is asked for when the one before it has
// its first byte at the POP, so two more parts cost at least two warm
// round trips POP → regional → origin after the first byte.
func TestRangesReadAhead(t *testing.T) {
	t.Parallel()
	cfg := rangeLine(mib)
	cfg.Bandwidth = Bandwidth{ViewerMbps: 1e6, RegionalMbps: 1e6}
	_, obs := run(t, cfg, rangeReqs()[:1])
	warm := degRTT(9) + hopProcessing + degRTT(30) + 20*sim.Millisecond
	if o := obs.outs[0]; o.TTLB-o.TTFB < 2*warm {
		t.Errorf("three missed parts: last byte %v after the first, want at least %v", o.TTLB-o.TTFB, 2*warm)
	}
}

// TestRangesAllocateNothing: serving a cached object in parts allocates
// nothing per request.
func TestRangesAllocateNothing(t *testing.T) {
	n, _ := run(t, rangeLine(mib), rangeReqs())
	n.obs = discard{}
	r := rangeReqs()[3]
	at := time.Minute
	if a := testing.AllocsPerRun(100, func() {
		r.Time = sim.Duration(at)
		n.arrive(r.Time, &r)
	}); a != 0 {
		t.Errorf("%v allocations per request served in 10 parts", a)
	}
	if n.out.Parts != 10 || n.out.PartHits != 10 {
		t.Errorf("%d parts, %d hits: want 10 hits", n.out.Parts, n.out.PartHits)
	}
}

type discard struct{}

func (discard) Observe(*Outcome) {}
