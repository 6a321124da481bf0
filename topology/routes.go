package topology

import (
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
)

// classRoute is what a content class resolves to, computed once.
type classRoute struct {
	origin int
	ttl    sim.Time
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
		route := classRoute{origin: originIdx[b.Origin], ttl: sim.Duration(ttl), shield: -1}
		if sh := cfg.Origins[route.origin].Shield; sh != "" {
			route.shield = regionIdx[sh]
		}
		route.update = sim.Duration(b.UpdateInterval)
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
	phase := sim.Time(mix(obj) % uint64(c.update))
	return int64((t + phase) / c.update)
}

// mix is SplitMix64's finaliser: a well-spread hash of an object ID.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
