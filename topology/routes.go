package topology

import (
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// classRoute is what a content class resolves to, computed once.
type classRoute struct {
	// origin is the class's origin, the primary of its origin group;
	// secondary is the group's secondary (-1: no group), which failoverOn
	// (bits of failoverStatuses) and connection failures send requests to.
	origin     int
	secondary  int
	failoverOn uint8
	ttl        sim.Time
	// bypass is BypassDynamic when nothing of the class may be cached
	// (dynamic behaviour, TTL 0, no-store, private), BypassOrigin when its
	// origin skips the regional tier.
	bypass BypassReason
	// shield is the region whose cache shields the class's origin, or -1.
	shield int
	// staleIfError is how long past expiry a stale copy may stand in for
	// an error (Cache-Control stale-if-error); 0: never.
	staleIfError sim.Time
	// swr is how long past expiry a stale copy is served at once while it
	// revalidates in the background (stale-while-revalidate); 0: never.
	swr sim.Time
	// update is how often objects of the class change at the origin
	// (0: never), which decides whether a revalidation gets a 304.
	update sim.Time
	// keyed is set when requests of the class need variant: a cache key
	// beyond the URL, compression or an edge function. keyMask is the
	// part of a request's Variant the cache key keeps; compress and ratio
	// (per encoding, 0: not compressed) are the behaviour's compression
	// of the class's type.
	keyed              bool
	keyMask            workload.Variant
	compress           bool
	ratio              [workload.NumEncodings]float64
	viewerFn, originFn fnModel
	// errs draws which objects the origin answers with an error.
	errs errorDraw
	// charge is Class.Charge, 1 when unset; weight is Class.Weight, 1
	// when unset.
	charge float64
	weight int64
}

// charged is what an object of size bytes of the class, requested with
// weight w, takes in a cache: its size, or Class.Charge of it, and less
// in proportion for a weight below the class's (a head member kept at a
// higher rate, workload.Request.Weight); at least a byte.
func (rt *classRoute) charged(size, w int64) int64 {
	if rt.charge == 1 && w == rt.weight {
		return size
	}
	return max(int64(float64(size)*rt.charge*float64(w)/float64(rt.weight)+0.5), 1)
}

// classRoutes resolves each content class of cfg, in order, to its route:
// the first behaviour matching the class's prefix names the origin and
// bounds the TTL the origin's Cache-Control or Expires asks for; that TTL,
// the behaviour and the origin decide whether the class bypasses the caches
// or the regional tier. regionIdx maps region names to indices.
func classRoutes(cfg *Config, regionIdx map[string]int) []classRoute {
	originIdx := map[string]int{}
	for i, o := range cfg.Origins {
		originIdx[o.Name] = i
	}
	var routes []classRoute
	for _, cl := range cfg.Classes {
		b := cfg.Behaviors[behaviorFor(cfg.Behaviors, cl.Prefix)]
		cc := cache.ParseCacheControl(cl.CacheControl)
		var expires time.Duration
		if cl.Expires != nil {
			expires = *cl.Expires
		}
		// The behaviour's TTLs are taken as given: a zero is a zero, not
		// "unset" (the scenario layer fills unset TTLs with CloudFront's
		// defaults). cache.TTLExpires reads a zero maximum as "no cap", so
		// a zero maximum is applied here.
		ttl := cc.TTLExpires(expires, cl.Expires != nil, b.MinTTL, b.DefaultTTL, b.MaxTTL)
		if b.MaxTTL == 0 {
			ttl = 0
		}
		route := classRoute{origin: originIdx[b.Origin], secondary: -1, ttl: sim.Duration(ttl), shield: -1}
		if g := groupNamed(cfg.OriginGroups, b.Origin); g != nil {
			route.origin, route.secondary = originIdx[g.Primary], originIdx[g.Secondary]
			route.failoverOn = defaultFailoverOn
			if len(g.FailoverOn) > 0 {
				route.failoverOn = 0
				for _, st := range g.FailoverOn {
					route.failoverOn |= failoverBit(uint16(st))
				}
			}
		}
		if sh := cfg.Origins[route.origin].Shield; sh != "" {
			route.shield = regionIdx[sh]
		}
		route.update = sim.Duration(b.UpdateInterval)
		route.errs = newErrorDraw(cl.Errors)
		route.charge, route.weight = 1, max(cl.Weight, 1)
		if cl.Charge > 0 && cl.Charge < 1 {
			route.charge = cl.Charge
		}
		if cc.StaleIfError > 0 {
			route.staleIfError = sim.Time(cc.StaleIfError) * sim.Second
		}
		if cc.StaleWhileRevalidate > 0 {
			route.swr = sim.Time(cc.StaleWhileRevalidate) * sim.Second
		}
		// no-cache with a zero TTL is stored but stale at once, so every
		// reuse revalidates; any other zero TTL is not cacheable.
		revalidateAlways := cc.NoCache && cc.Storable() && ttl <= 0
		switch {
		// A maximum TTL of 0 is CloudFront's CachingDisabled policy
		// (minimum, default and maximum TTL all 0): nothing is cached,
		// whatever the origin's Cache-Control says.
		case b.Dynamic || !cc.Storable() || b.MaxTTL == 0 || (ttl <= 0 && !revalidateAlways):
			route.bypass = BypassDynamic
		case cfg.Origins[route.origin].BypassRegional:
			route.bypass = BypassOrigin
		}
		route.keyMask = b.Key.keyMask(&cl.Sends)
		route.ratio = classRatios(&cl)
		route.compress = b.Compress && route.ratio[workload.Gzip] > 0
		route.viewerFn = newFnModel(b.ViewerRequest, cfg.Seed, 0x1f83d9abfb41bd6b)
		route.originFn = newFnModel(b.OriginRequest, cfg.Seed, 0x5be0cd19137e2179)
		route.keyed = route.keyMask != 0 || route.compress || route.viewerFn.on || route.originFn.on
		routes = append(routes, route)
	}
	return routes
}

// version is the number of times obj had changed at the origin by t:
// objects under a behaviour with an update interval U change every U, each
// at its own phase.
func (c *classRoute) version(obj uint64, t sim.Time) int64 {
	if c.update <= 0 {
		return 0
	}
	phase := sim.Time(sim.Mix64(obj) % uint64(c.update))
	return int64((t + phase) / c.update)
}
