package topology

import (
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// lookahead is how many requests the network holds read ahead: the next
// arrival and one more for each step of cache.Warm.
const lookahead = cache.WarmSteps + 1

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
	for k := 1; k < n.queued; k++ {
		i := (n.head + k) % lookahead
		pl := &n.plans[i]
		if pl.pop < 0 {
			continue
		}
		step := cache.WarmSteps - k
		n.pops[pl.pop].cache.Warm(pl.id, step, &pl.popEntry)
		if pl.region >= 0 {
			n.regions[pl.region].cache.Warm(pl.id, step, &pl.regionEntry)
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
