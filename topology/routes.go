package topology

import (
	"github.com/cdnsim/cdnsim/sim"
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
