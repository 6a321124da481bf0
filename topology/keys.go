package topology

import (
	"fmt"
	"slices"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// Query-string modes of a CacheKey, as CloudFront's cache policies name
// them (QueryStringBehavior: none, whitelist, all; allExcept is not
// modelled).
const (
	QueryNone      = "none"
	QueryAllowlist = "allowlist"
	QueryAll       = "all"
)

// CacheKey is a behaviour's cache policy: what of a request beyond its
// URL goes into the cache key. A request whose key keeps none of what it
// sent is cached under its URL alone; one that differs in a kept part is
// another variant, cached and fetched on its own.
type CacheKey struct {
	// QueryStrings is QueryNone (also ""), QueryAllowlist or QueryAll.
	QueryStrings string
	// QueryAllow names the query parameters kept under QueryAllowlist
	// (and is ignored under the other modes).
	QueryAllow []string
	// Headers and Cookies name the headers and cookies kept.
	Headers []string
	Cookies []string
}

// validate checks the policy of the behaviour at key.
func (k *CacheKey) validate(key string) error {
	// query_allow is read under "allowlist" only and left alone otherwise,
	// so that --set query_strings=all is the whole what-if.
	switch k.QueryStrings {
	case "", QueryNone, QueryAll, QueryAllowlist:
	default:
		return ferr(key+".query_strings", "must be %q, %q or %q, got %q", QueryNone, QueryAllowlist, QueryAll, k.QueryStrings)
	}
	return nil
}

// keyMask is the part of a request's Variant that the behaviour's cache
// key keeps for a class whose viewers send s: each part the policy names
// (the query parameters by their mode, headers and cookies by name).
func (k *CacheKey) keyMask(s *workload.Sends) workload.Variant {
	var m workload.Variant
	query := func(name string) bool {
		return k.QueryStrings == QueryAll || (k.QueryStrings == QueryAllowlist && slices.Contains(k.QueryAllow, name))
	}
	if s.Tracking.Share > 0 && query(s.Tracking.Name) {
		m |= workload.TrackingBits
	}
	if s.Query.Share > 0 && query(s.Query.Name) {
		m |= workload.QueryBits
	}
	if s.Cookie.Share > 0 && slices.Contains(k.Cookies, s.Cookie.Name) {
		m |= workload.CookieBits
	}
	if s.Header.Share > 0 && slices.Contains(k.Headers, s.Header.Name) {
		m |= workload.HeaderBits
	}
	return m
}

// variant decides, for a request of a route with cache-key parts,
// compression or edge functions (route.keyed), the cache key and the size
// of the variant the caches hold: it sets n.key and returns the request
// as the caches see it (a copy in n.vreq with the variant's size). A
// viewer-request function that normalises the key runs first.
func (n *Network) variant(route *classRoute, r *workload.Request) *workload.Request {
	n.vreq = *r
	v, size := route.keyOf(r)
	if v.Encoding() != workload.Identity {
		n.vreq.Size = size
		n.out.Encoding = r.Variant.Encoding()
		n.out.Uncompressed = r.Size
	}
	if v != 0 {
		n.key = variantKey(r.Object, v)
		n.out.Variant = true
	}
	return &n.vreq
}

// keyOf is what of r goes in the cache key under route (0: nothing, the
// object's own key) and the size of the variant the caches hold: r.Size,
// or smaller when the edge compresses it. It changes nothing, so that
// warmAhead can find a variant's key too.
func (route *classRoute) keyOf(r *workload.Request) (workload.Variant, int64) {
	mask := route.keyMask
	if route.viewerFn.dropTracking {
		mask &^= workload.TrackingBits
	}
	v, size := r.Variant&mask, r.Size
	if enc := r.Variant.Encoding(); route.compress && enc != workload.Identity && compressible(r.Size) && route.ratio[enc] > 0 {
		// The normalised Accept-Encoding is in the key: each encoding is
		// a variant of its own, smaller by the class's ratio.
		v |= workload.Variant(enc)
		size = max(1, int64(float64(r.Size)*route.ratio[enc]+0.5))
	}
	return v, size
}

// variantKey is the cache ID of obj's variant v (v != 0): a hash, so the
// variants of an object spread like distinct objects. A clash with an
// object's own ID has odds of about catalog size / 2^64.
func variantKey(obj uint64, v workload.Variant) uint64 {
	return sim.Mix64(sim.Mix64(obj^0x3243f6a8885a308d) ^ uint64(v))
}

// validBehaviorExtras checks the cache policy, compression and edge
// functions of behaviour i.
func validBehaviorExtras(i int, b *Behavior) error {
	key := fmt.Sprintf("behaviors[%d]", i)
	if err := b.Key.validate(key); err != nil {
		return err
	}
	if err := b.ViewerRequest.validate(key+".viewer_request", true); err != nil {
		return err
	}
	return b.OriginRequest.validate(key+".origin_request", false)
}
