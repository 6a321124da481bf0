package topology

import (
	"math"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// hopProcessing is a cache's own time to serve or forward a request: a
// lookup and header work on a loaded edge server, sub-millisecond.
const hopProcessing = 500 * sim.Microsecond

// fetch is a fetch in flight at a node: requests for the same object that
// arrive before ready join it (request collapsing) instead of going upstream.
type fetch struct {
	ready   sim.Time // first byte available at this node
	size    int64    // what the object takes in the cache (classRoute.charged)
	bps     float64  // bottleneck bandwidth upstream of this node, bits/s
	expires sim.Time
	status  uint16 // the response's status: an error is cached briefly, not stored
	// born is when the origin produced the version being fetched;
	// notModified marks a 304 answer to a conditional request, which
	// refreshes the node's stale copy instead of replacing it.
	born        sim.Time
	notModified bool
	// owner is the viewer's object the fetched ID stands for (the ID
	// itself, a variant's key or a part's): the cache keeps it beside
	// the copy (cache.Meta.Owner) for invalidations.
	owner uint64
}

// cachedError is an error response a node keeps for the error-caching TTL.
type cachedError struct {
	until  sim.Time
	status uint16 // as the origin (or the tier above) gave it
}

// cacheNode is a POP or a regional edge cache.
type cacheNode struct {
	cache    *cache.Cache
	inflight keyTable[fetch]       // written at a miss, taken by the fill event
	errors   keyTable[cachedError] // cached error responses
}

func newNode(c *cache.Cache) cacheNode { return cacheNode{cache: c} }

// resp is a response travelling back down the path: when its first byte
// leaves the node that produced it, the bottleneck bandwidth upstream of
// that point, and the HTTP status.
type resp struct {
	ready sim.Time
	bps   float64
	// born is the version (origin production time) of the body sent or
	// confirmed; notModified answers a conditional request with a 304.
	born sim.Time
	// expires is when the copy sent or confirmed goes stale, in absolute
	// virtual time: the origin's response time plus the TTL. Every tier
	// that stores the copy keeps this expiry, so a copy is as old
	// downstream as it was where it came from (RFC 9111 §4.2.3: the Age a
	// cache sends counts against the freshness lifetime; with one clock
	// for the whole CDN the age is known exactly).
	expires sim.Time
	// body is the bytes the origin sent, for a response from originFetch
	// (a timed-out connection sends none); cache nodes' bodies follow from
	// the status (bodyBytes).
	body        int64
	status      uint16
	notModified bool
	// timedOut marks a 504 CloudFront made itself: no connection, or no
	// response within the response timeout, at every attempt.
	timedOut bool
}

// bodyBytes is the body of a cache node's response for an object of size
// bytes: none for a 304, an error page for an error.
func bodyBytes(res *resp, size int64) int64 {
	switch {
	case res.notModified:
		return 0
	case isError(res.status):
		return errorBodyBytes
	}
	return size
}

// unconditional marks a request that carries no validator.
const unconditional sim.Time = -1

// errorBodyBytes is the size of an error page.
const errorBodyBytes = 512

// arrive runs one request down the path. The whole path's timing is known
// at arrival, so the outcome is emitted now; the caches it missed in are
// filled by events when the first byte gets back to them.
func (n *Network) arrive(t sim.Time, r *workload.Request) {
	route := &n.routes[r.Class]
	n.ghost, n.w = r.Ghost, route.weight
	if r.Weight != 0 {
		n.w = int64(r.Weight)
	}
	p, public, steered := n.dnsState.route(int(r.Metro), t, r.Object)
	g := int(n.popRegion[p])
	if n.invalidations {
		n.noteClass(r.Object, r.Class)
	}
	o := &n.out
	*o = Outcome{Weight: uint16(n.w), Ghost: r.Ghost}
	o.Time, o.Object, o.Metro, o.POP, o.Region = t, r.Object, r.Metro, uint16(p), uint16(g)
	o.Class, o.Method, o.PublicResolver, o.Steered = r.Class, r.Method, public, steered
	o.Sent = r.Variant
	rttV := n.viewRTT[int(r.Metro)*len(n.pops)+p]
	if n.dnsState.popDown(p, t) {
		// The resolver's answer still names a dead POP: the connection
		// attempt times out and the request fails, with nothing delivered.
		o.Status = 503
		o.TTFB = n.connectTimeout
		o.TTLB = o.TTFB
		n.Stats.DeadPOPRequests += n.w
		n.obs.Observe(o)
		return
	}
	n.key, n.object, n.originSize = r.Object, r.Object, r.Size
	at := t // when the POP starts on the request
	if route.keyed {
		if route.viewerFn.on {
			at += n.invoke(&route.viewerFn, r.Object, t)
		}
		r = n.variant(route, r)
	}
	var res resp
	var stream sim.Time // for an object served in parts: see serveParts
	if !r.Method.Cacheable() || route.bypass == BypassDynamic || r.Dynamic {
		// Not cacheable: from the POP straight to the origin, stored nowhere.
		o.Edge = Bypass
		o.BypassReason = BypassDynamic
		if !r.Method.Cacheable() {
			o.BypassReason = BypassMethod
		}
		size := n.originSize
		if r.Ranged() {
			size = r.Length() // the origin sends only the range
		}
		res = n.originFetch(p, route, r, at+hopProcessing, size, unconditional)
		n.travel(EdgeOrigin, res.body)
	} else if n.chunk > 0 && r.Size > n.chunk {
		res, stream = n.serveParts(p, route, r, at)
	} else {
		res = n.serve(&n.pops[p], TierEdge, p, route, r, at, unconditional)
	}
	o.Status = res.status
	o.Size = bodyBytes(&res, r.Length())
	if r.Ranged() {
		o.RangeStart, o.RangeEnd = r.RangeStart, r.RangeEnd
		if o.Status == 200 {
			o.Status = 206 // Partial Content
		}
	}
	o.ServerTTFB = res.ready - t
	o.TTFB = rttV + o.ServerTTFB
	if n.viewers.on {
		// A new connection costs its handshake's round trips before the
		// request's own; every round trip crosses the last mile.
		d := n.viewers.draw(int(r.Metro))
		o.HTTP3, o.NewConnection = d.http3, d.setupRTTs > 0
		o.TTFB += d.lastMile + sim.Time(d.setupRTTs)*(rttV+d.lastMile) + d.jitter
	}
	o.TTLB = o.TTFB + stream + transfer(o.Size, min(n.viewerBps, res.bps))
	if n.dnsState.egress.on && !n.ghost {
		n.dnsState.egress.add(p, t, o.Size)
	}
	n.obs.Observe(o)
}

// travel records that the request went over flow f and got body bytes
// back over it.
func (n *Network) travel(f Flow, body int64) {
	// A request served in parts may travel a flow once per part: it counts
	// once, with the bodies of all its parts.
	if n.out.Flows&(1<<f) == 0 {
		n.Stats.Flows[f].Requests += n.w
	}
	if f.ToOrigin() {
		n.originTrips++
	}
	n.out.Flows |= 1 << f
	n.out.FlowBytes[f] += body
	n.Stats.Flows[f].Bytes += body * n.w
}

// serve handles a cacheable request at a cache node (a POP, a regional
// cache, or an origin shield) where it arrived at time at: hit, join a
// fetch in flight, revalidate a stale copy, or fetch from the next tier.
// idx is the node's index in its tier. cond is the version (born time) of
// the requester's own stale copy when the request is conditional, else
// unconditional. It records the tier's result in the Outcome.
func (n *Network) serve(nd *cacheNode, tier Tier, idx int, route *classRoute, r *workload.Request, at sim.Time, cond sim.Time) resp {
	o := &n.out
	cr := cache.Request{ID: cache.ObjectID(n.key), Size: route.charged(r.Size, n.w), Time: int64(at)}
	st, meta := nd.cache.GetMeta(cr)
	if st == cache.Hit {
		n.setResult(tier, Hit)
		res := resp{ready: at + hopProcessing, bps: math.Inf(1), status: 200, born: sim.Time(meta.Born), expires: sim.Time(meta.Expires)}
		if cond == unconditional {
			return res // the common case: no version to compare
		}
		answerConditional(&res, route, r.Object, cond)
		return res
	}
	// A stale copy may be served in place of a fresh one: at once while it
	// revalidates (stale-while-revalidate, RFC 5861 §3), or when upstream
	// fails (stale-if-error, RFC 5861 §4), each for so long past expiry.
	stale := st == cache.Stale
	var swr, sie bool
	var staleCopy resp
	if stale {
		past := at - sim.Time(meta.Expires)
		swr = route.swr > 0 && past <= route.swr
		sie = route.staleIfError > 0 && past <= route.staleIfError
		staleCopy = resp{ready: at + hopProcessing, bps: math.Inf(1), status: 200, born: sim.Time(meta.Born), expires: sim.Time(meta.Expires)}
	}
	f, inflight := nd.inflight.get(n.key)
	var ce cachedError
	ei := nd.errors.find(n.key)
	errCached := ei >= 0
	if errCached {
		ce = nd.errors.at(ei)
		if at >= ce.until { // expired: forget it
			nd.errors.removeAt(ei)
			errCached = false
		}
	}
	if swr && (inflight || errCached) {
		// A revalidation is already under way (or has just failed and
		// its error is cached): the stale copy goes out at once, and
		// nothing more goes upstream.
		n.setResult(tier, Hit)
		answerConditional(&staleCopy, route, r.Object, cond)
		return staleCopy
	}
	if inflight {
		n.setResult(tier, Collapsed)
		if serverError(f.status) && sie {
			o.StaleServed = true
			staleCopy.ready = max(f.ready, at+hopProcessing)
			answerConditional(&staleCopy, route, r.Object, cond)
			return staleCopy
		}
		res := resp{ready: max(f.ready, at+hopProcessing), bps: f.bps, status: f.status, born: f.born, expires: f.expires}
		answerConditional(&res, route, r.Object, cond)
		return res
	}
	if errCached {
		if sie && serverError(ce.status) {
			// The cached error stands for a failing upstream.
			o.StaleServed = true
			n.setResult(tier, Hit)
			answerConditional(&staleCopy, route, r.Object, cond)
			return staleCopy
		}
		// CloudFront answers from a cached error with the status the
		// origin gave, until the error-caching TTL runs out.
		n.setResult(tier, Error)
		return resp{ready: at + hopProcessing, bps: math.Inf(1), status: ce.status}
	}
	// A stale copy is revalidated: the request upstream carries its version.
	mine := unconditional
	if stale {
		mine = sim.Time(meta.Born)
		n.Stats.Revalidations += n.w
	}
	var up resp
	n.upstream(&up, tier, idx, route, r, at+hopProcessing, mine)
	refreshed := up.notModified
	if refreshed {
		n.Stats.NotModified += n.w
		n.Stats.BytesSaved += r.Size * n.w
		// This node serves its own, now confirmed, copy.
		up.notModified, up.bps = false, math.Inf(1)
	}
	// Every answer lands: a body is stored, a 304 refreshes the stale copy,
	// an error is cached for the error-caching TTL.
	nd.inflight.put(n.key, fetch{ready: up.ready, size: cr.Size, bps: up.bps, expires: up.expires,
		status: up.status, born: up.born, notModified: refreshed, owner: n.object})
	n.eng.Schedule(up.ready, n.fillKind[tier], uint32(idx), n.key)
	switch {
	case swr:
		// stale-while-revalidate: the stale copy goes out now, whatever
		// the revalidation above will bring.
		n.setResult(tier, Hit)
		answerConditional(&staleCopy, route, r.Object, cond)
		return staleCopy
	case serverError(up.status) && sie:
		// stale-if-error: the stale copy is better than an error page.
		o.StaleServed = true
		n.setResult(tier, RefreshHit)
		staleCopy.ready = up.ready
		answerConditional(&staleCopy, route, r.Object, cond)
		return staleCopy
	case isError(up.status):
		n.setResult(tier, Error)
	case refreshed:
		n.setResult(tier, RefreshHit)
	default:
		n.setResult(tier, Miss)
	}
	answerConditional(&up, route, r.Object, cond)
	return up
}

// upstream sends a request that tier's node idx could not answer to the
// next tier at time at, records the flow it takes, and puts the answer as
// it reaches this node in up. mine is the node's stale copy's version, or
// unconditional.
func (n *Network) upstream(up *resp, tier Tier, idx int, route *classRoute, r *workload.Request, at, mine sim.Time) {
	switch {
	case tier == TierEdge && route.bypass == BypassOrigin:
		n.out.BypassReason = BypassOrigin
		*up = n.originFetch(idx, route, r, at, n.originSize, mine)
		n.travel(EdgeOrigin, up.body)
	case tier == TierEdge:
		g := int(n.popRegion[idx])
		half := n.popRTT[idx] / 2
		*up = n.serve(&n.regions[g], TierRegional, g, route, r, at+half, mine)
		n.travel(EdgeRegional, bodyBytes(up, r.Size))
		up.ready += half
		up.bps = min(up.bps, n.regionalBps)
	case tier == TierRegional && route.shield >= 0 && route.shield != idx:
		half := n.regionRTT[idx*len(n.regions)+route.shield] / 2
		*up = n.serve(&n.regions[route.shield], TierShield, route.shield, route, r, at+half, mine)
		n.travel(RegionalShield, bodyBytes(up, r.Size))
		up.ready += half
		up.bps = min(up.bps, n.regionalBps)
	default: // a regional cache, or the shield (the shield region's cache)
		*up = n.originFetch(len(n.pops)+idx, route, r, at, n.originSize, mine)
		if tier == TierShield {
			n.travel(ShieldOrigin, up.body)
		} else {
			n.travel(RegionalOrigin, up.body)
		}
	}
}

// answerConditional turns a node's response, in place, into the answer to a
// conditional request: a 304 (no body) when the requester's version is
// still the current one. (In place: it runs for every request, and a
// response copied in and out cost more than the check.)
func answerConditional(res *resp, route *classRoute, obj uint64, cond sim.Time) {
	if cond != unconditional && res.status == 200 && route.version(obj, cond) == route.version(obj, res.born) {
		res.notModified = true
	}
}

func (n *Network) setResult(tier Tier, res Result) {
	switch tier {
	case TierEdge:
		n.out.Edge = res
	case TierRegional:
		n.out.Regional = res
	case TierShield:
		n.out.Shield = res
	}
}

// fill lands a node's fetch of obj when its first byte arrives (an
// evFillPOP or evFillRegional event, scheduled by serve): it is the moment
// the node's cache learns what the path already told the viewer.
func (n *Network) fill(nd *cacheNode, obj uint64, now sim.Time) {
	f, ok := nd.inflight.take(obj)
	if !ok {
		panic("topology: fill without a fetch in flight")
	}
	if isError(f.status) {
		// CloudFront caches error responses for the Error Caching Minimum
		// TTL of their status code, so a failing origin is not hammered by
		// every viewer and a missing URL is not asked for again at once.
		nd.errors.put(obj, cachedError{until: now + n.errorTTL.of(f.status), status: f.status})
		return
	}
	if f.notModified {
		// A 304: the stale copy is good for another TTL (if it is still
		// there: it may have been evicted while the request was out).
		nd.cache.Refresh(cache.ObjectID(obj), int64(f.expires))
		return
	}
	nd.cache.PutMeta(cache.Request{ID: cache.ObjectID(obj), Size: f.size, Time: int64(now)},
		cache.Meta{Expires: int64(max(f.expires, 1)), Born: int64(f.born), Owner: f.owner})
}

// transfer is the time to stream size bytes at bps bits per second.
func transfer(size int64, bps float64) sim.Time {
	if math.IsInf(bps, 1) || bps <= 0 {
		return 0
	}
	return sim.Time(float64(size) * 8 / bps * float64(sim.Second))
}
