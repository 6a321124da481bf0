package topology

import (
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// lookahead is how many requests the network holds read ahead: the next
// arrival and one more for each step of cache.Warm.
const lookahead = cache.WarmSteps + 1

// aheadMask makes a place in the ring of requests read ahead (lookahead,
// a power of two: the array below fails to compile otherwise) from any
// count, without a division or a bounds check.
const aheadMask = lookahead - 1

var _ [1]struct{} = [1 + lookahead&aheadMask]struct{}{}

// warmAhead below is written out for three steps.
var _ [1]struct{} = [1 + (cache.WarmSteps-3)*(cache.WarmSteps-3)]struct{}{}

// warmAhead prepares the caches for the requests after the one about to be
// served: the request k places ahead gets cache.Warm's step WarmSteps-k in
// its POP's cache and its region's, so by the time it is served its index
// slot, entry and list neighbours have been loading for a request's worth
// of work each, instead of each load waiting for the one before (half a
// simulation's time was in those waits). The POP is a guess (its metro's
// resolver's current answer: a public resolver or an expiring answer may
// route it elsewhere). A variant warms its key, and an object served in
// parts its first part; a request the path will not cache (a bypass)
// warms nothing. Nothing here changes the simulation: Warm only loads
// memory.
func (n *Network) warmAhead() {
	if n.queued > 3 {
		if pl := &n.plans[(n.head+3)&aheadMask]; pl.pop >= 0 {
			n.pops[pl.pop].cache.WarmSlot(pl.id)
			if pl.region >= 0 {
				n.regions[pl.region].cache.WarmSlot(pl.id)
			}
		}
	}
	if n.queued > 2 {
		if pl := &n.plans[(n.head+2)&aheadMask]; pl.pop >= 0 {
			pl.popEntry = n.pops[pl.pop].cache.WarmEntry(pl.id)
			if pl.region >= 0 {
				pl.regionEntry = n.regions[pl.region].cache.WarmEntry(pl.id)
			}
		}
	}
	if n.queued > 1 {
		if pl := &n.plans[(n.head+1)&aheadMask]; pl.pop >= 0 {
			n.pops[pl.pop].cache.WarmHit(pl.popEntry)
			if pl.region >= 0 {
				n.regions[pl.region].cache.WarmHit(pl.regionEntry)
			}
		}
	}
}

// warmPlan is what warmAhead needs of a request read ahead, worked out
// once as it is read (plan) rather than at each of its steps: the key its
// lookups will use, the POP and region they are guessed at (-1 for none),
// and the entries cache.Warm carries from step to step.
type warmPlan struct {
	id                    cache.ObjectID
	pop, region           int32
	popEntry, regionEntry int32
}

// plan works out r's warmPlan. The POP is guessed as r is read, a
// request's worth of virtual time before its first step: a guess either
// way.
func (n *Network) plan(pl *warmPlan, r *workload.Request) {
	*pl = warmPlan{pop: -1, region: -1, popEntry: -1, regionEntry: -1}
	route := &n.routes[r.Class]
	if !r.Method.Cacheable() || route.bypass == BypassDynamic || r.Dynamic {
		return
	}
	key, size := r.Object, r.Size
	if route.keyed {
		var v workload.Variant
		if v, size = route.keyOf(r); v != 0 {
			key = variantKey(r.Object, v)
		}
	}
	if n.chunk > 0 && size > n.chunk {
		key = partKey(key, r.RangeStart/n.chunk)
	}
	p := n.dnsState.guess(int(r.Metro), r.Time, r.Object)
	pl.id, pl.pop = cache.ObjectID(key), int32(p)
	if route.bypass != BypassOrigin {
		pl.region = int32(n.popRegion[p])
	}
}

// guess is the POP that the metro's own resolver's current answer names
// for obj at t, as route would pick it but without drawing the public
// resolver's share or renewing an expired answer: it changes nothing.
func (d *resolvers) guess(m int, t sim.Time, obj uint64) int {
	j := 0
	if k := int(d.slots[m]); k > 1 {
		j = spreadSlot(t, obj, m, k)
	}
	return int(d.answers[int(d.first[m])+j].pop)
}
