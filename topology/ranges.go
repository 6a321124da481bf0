package topology

import (
	"math"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// Range requests and large objects.
//
// CloudFront's developer guide, "How CloudFront processes partial requests
// for an object (range GETs)": a range GET is served from the edge cache
// when it holds the requested part of the object; otherwise CloudFront
// forwards the request to the origin, "may request a larger range than the
// client requested", serves the range and caches it for later requests,
// and begins to serve as soon as the first byte arrives. It does not say
// how it widens a range. This model chooses fixed parts, aligned from the
// object's first byte (Config.ChunkSize): a request for bytes [a, b)
// touches parts a/C .. (b-1)/C, and each part is looked up, fetched and
// cached on its own, at every tier, as one object (its cache key is
// partKey(object, part)). So a partly watched video is partly cached, and
// a later request for a part already fetched hits. Fixed aligned parts are
// what other CDNs document for the same job (Fastly's segmented caching,
// Google Cloud CDN's byte-range caching), and they keep the cache core
// unchanged: it caches by ID.
//
// A part's version, for revalidations (a behaviour's update_interval),
// follows its own key: the parts of an object change at the object's rate
// but not at the same moment, which no count here depends on.
//
// A request served in parts asks for them one after the other, each when
// the previous part's first byte is at the POP (a read-ahead of one part:
// at once after a hit), so a miss costs the origin one part's fetch at a
// time and the viewer's first byte waits only for the first part.

// partKey is the cache key of part k of obj: a hash of both, so the parts
// of every object are distinct keys, apart from the dense IDs of whole
// objects.
func partKey(obj uint64, k int64) uint64 {
	return sim.Mix64(sim.Mix64(obj^0x243f6a8885a308d3) + uint64(k))
}

// resultRank orders results from best to worst, for a request served in
// parts: its result at a tier is its worst part's.
var resultRank = [NumResults]uint8{NotReached: 0, Hit: 1, Collapsed: 2, RefreshHit: 3, Miss: 4, Error: 5, Bypass: 6}

// serveParts answers r, whose object is larger than a part, at POP p at
// time t: it serves each part the request touches through serve, as a
// request of its own for the part's key and size, and combines them in the
// Outcome: per tier the worst result, the flows' bodies summed (whole
// parts, as they are fetched), the bytes each tier answered from its cache
// (PartHitBytes), and the counts of parts. The response's first byte is
// the first part's; the last leaves the POP stream plus the range's
// transfer at the viewer's rate after it, as the parts arrive one after
// the other, each at the slower of the viewer's and upstream's rates. A request any of whose parts fails is answered with
// the error (CloudFront would cut the body short; here it counts as failed).
func (n *Network) serveParts(p int, route *classRoute, r *workload.Request, t sim.Time) (res resp, stream sim.Time) {
	o := &n.out
	a, b := r.RangeStart, r.RangeEnd
	if b == 0 {
		a, b = 0, r.Size
	}
	part := *r
	base := n.key // the object's, or its variant's (keys.go)
	var worst [NumTiers]Result
	var hitBytes [NumTiers]int64
	var failed resp
	trips := n.originTrips
	at, done := t, t
	for k := a / n.chunk; k <= (b-1)/n.chunk; k++ {
		lo, hi := k*n.chunk, min((k+1)*n.chunk, r.Size)
		part.Object, part.Size = partKey(r.Object, k), hi-lo
		n.key, n.originSize = partKey(base, k), part.Size
		o.Edge, o.Regional, o.Shield = NotReached, NotReached, NotReached
		pr := n.serve(&n.pops[p], TierEdge, p, route, &part, at, unconditional)
		want := min(hi, b) - max(lo, a) // the requested bytes in this part
		o.Parts++
		for tier := TierEdge; tier < NumTiers; tier++ {
			got := o.Result(tier)
			if got == Hit {
				if tier == TierEdge {
					hitBytes[tier] += want
				} else {
					hitBytes[tier] += part.Size
				}
			}
			if resultRank[got] > resultRank[worst[tier]] {
				worst[tier] = got
			}
		}
		if o.Edge == Hit {
			o.PartHits++
		}
		if k == a/n.chunk {
			res = pr
		}
		if isError(pr.status) && failed.status == 0 {
			failed = pr
		}
		// This part leaves the POP once it is there and the one before
		// it has gone, at the slower of the viewer's and upstream's rates.
		done = max(done, pr.ready) + transfer(want, min(n.viewerBps, pr.bps))
		at = max(at, pr.ready-hopProcessing)
	}
	o.Edge, o.Regional, o.Shield = worst[TierEdge], worst[TierRegional], worst[TierShield]
	for tier, w := range worst {
		if w != Hit {
			o.PartHitBytes[tier] = hitBytes[tier]
		}
	}
	o.OriginParts = uint32(n.originTrips - trips)
	if failed.status != 0 {
		return failed, 0
	}
	// arrive adds the transfer at the viewer's rate to stream; each part
	// took at least that for its bytes.
	res.bps = math.Inf(1)
	stream = done - res.ready - transfer(b-a, n.viewerBps)
	return res, max(stream, 0)
}
