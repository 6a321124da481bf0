package topology

import (
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// Result is what one tier did with a request that reached it. Hit,
// RefreshHit, Miss and Error are CloudFront's result types (the
// x-edge-result-type of its access logs); Collapsed and Bypass are counted
// on their own.
type Result uint8

// Results. NotReached (the zero value) means the request never got to the tier.
const (
	NotReached Result = iota
	// Hit: served from this tier's cache without waiting for upstream: a
	// fresh copy, or a stale one under stale-while-revalidate or
	// stale-if-error (the latter when the tier holds a cached error).
	Hit
	// RefreshHit: a stale copy was revalidated upstream and served: the
	// origin confirmed it (a 304), or failed and the copy stood in for the
	// error (stale-if-error).
	RefreshHit
	// Miss: fetched upstream (the copy was missing, or stale and changed).
	Miss
	// Error: answered with an error (status >= 400: a 404 or 403 the
	// origin gave, a 5xx, a timed-out connection): one passed on from
	// upstream, or an error response cached at this tier.
	Error
	// Collapsed: a fetch of the same object was in flight here; the
	// request waited for it instead of going upstream.
	Collapsed
	// Bypass: passed through uncached (the edge only: methods, dynamic
	// behaviours and requests); the request goes to the origin.
	Bypass
	// NumResults bounds the Result values, for arrays indexed by Result.
	NumResults
)

var resultNames = [...]string{"NotReached", "Hit", "RefreshHit", "Miss", "Error", "Collapsed", "Bypass"}

func (r Result) String() string {
	if int(r) < len(resultNames) {
		return resultNames[r]
	}
	return "unknown"
}

// Flow is a hop between two nodes of the CDN. A request travels each flow
// at most once; the flows it travelled and the body bytes that came back
// over each are in its Outcome.
type Flow uint8

// Flows, upstream from the POP. The viewer → edge flow is every request
// that reached a POP.
const (
	EdgeRegional   Flow = iota // a POP to its regional edge cache
	EdgeOrigin                 // a POP straight to the origin: bypassed requests, and misses of origins that skip the regional tier
	RegionalOrigin             // a regional edge cache to the origin
	RegionalShield             // a regional edge cache to the origin shield (the shield region's cache)
	ShieldOrigin               // the origin shield to the origin
	NumFlows
)

var flowNames = [...]string{"edge_regional", "edge_origin", "regional_origin", "regional_shield", "shield_origin"}

func (f Flow) String() string {
	if int(f) < len(flowNames) {
		return flowNames[f]
	}
	return "unknown"
}

// ToOrigin reports whether the flow ends at the origin.
func (f Flow) ToOrigin() bool { return f == EdgeOrigin || f == RegionalOrigin || f == ShieldOrigin }

// Flow masks of Outcome.Flows.
const (
	originFlows = 1<<EdgeOrigin | 1<<RegionalOrigin | 1<<ShieldOrigin
	edgeUp      = 1<<EdgeRegional | 1<<EdgeOrigin
	regionalUp  = 1<<RegionalOrigin | 1<<RegionalShield
	shieldUp    = 1 << ShieldOrigin
)

// BypassReason says why a request skipped a cache tier.
type BypassReason uint8

// Bypass reasons. CloudFront sends these from the POP straight to the origin.
const (
	NoBypass      BypassReason = iota
	BypassMethod               // PUT/POST/PATCH/OPTIONS/DELETE: never cached, never via the regional cache
	BypassDynamic              // a dynamic behaviour (forwards all headers, TTL 0) or an uncacheable response
	BypassOrigin               // the origin skips the regional tier (S3-style origins in the older design); the POP still caches
)

var bypassNames = [...]string{"", "method", "dynamic", "origin"}

func (b BypassReason) String() string {
	if int(b) < len(bypassNames) {
		return bypassNames[b]
	}
	return "unknown"
}

// Outcome is the record of one viewer request after the path has decided it.
// The topology reuses one Outcome value; observers must copy what they keep.
type Outcome struct {
	Time   sim.Time // arrival at the POP
	Object uint64
	// Size is the body bytes delivered to the viewer: the object, an
	// error page (errorBodyBytes) for an error, nothing when the POP was
	// down.
	Size   int64
	Metro  uint16
	POP    uint16 // index into Topology.POPs
	Region uint16 // index into Topology.Regions
	Class  uint8
	Method workload.Method
	// Edge, Regional and Shield are what each tier did. Edge is
	// NotReached only when DNS sent the viewer to a POP that was down.
	Edge     Result
	Regional Result
	Shield   Result
	// Flows has bit f set for every Flow f the request travelled, and
	// FlowBytes[f] is the body that came back over it: the object, an
	// error page, or nothing (a 304, a timed-out connection).
	Flows     uint8
	FlowBytes [NumFlows]int64
	// BypassReason is set when a tier was skipped: Edge is Bypass for
	// method and dynamic bypasses; for origin ones the edge cached and
	// the regional tier was not reached.
	BypassReason BypassReason
	// Status is the HTTP status served to the viewer.
	Status uint16
	// PublicResolver: the viewer's DNS answer came from a distant public
	// resolver, so the POP may not be its nearest.
	PublicResolver bool
	// Steered: the viewer's DNS answer passed over a nearer POP whose
	// egress was above its capacity (POP.EgressGbps).
	Steered bool
	// Weight is what the Outcome counts for: 1 (0 is read as 1), but in a
	// miniature that keeps some classes at more than its rate, its
	// class's Weight (Class.Weight), every count then being in units of a
	// W-th of a request. Ghost marks a ghost's Outcome
	// (workload.Request.Ghost): counted with its Weight like any other;
	// the access log leaves it out.
	Weight uint16
	Ghost  bool
	// Failover: the origin fetch on the request's path failed at the
	// primary origin of an origin group and went to its secondary.
	Failover bool
	// StaleServed: a stale copy was served in place of an error
	// (Cache-Control stale-if-error), upstream's or a cached one.
	StaleServed bool
	// HTTP3: the request was made over HTTP/3 (QUIC); NewConnection: the
	// viewer opened a connection to the POP for it (else it reused one).
	HTTP3, NewConnection bool
	// TTFB and TTLB are the viewer's times to the first and last byte,
	// from the moment it starts the request (before any handshake):
	// connection set-up, the round trips over the last mile and to the
	// POP, jitter, and the POP's ServerTTFB; the last byte follows at the
	// slowest leg's bandwidth.
	TTFB sim.Time
	TTLB sim.Time
	// ServerTTFB is CloudFront's time-to-first-byte: from the POP
	// receiving the request to it writing the first byte of the response
	// (the whole path upstream included).
	ServerTTFB sim.Time
	// Variant: the request's cache key held more than its URL (query
	// strings, a cookie, a header or an encoding its behaviour keeps).
	Variant bool
	// Sent is what the viewer sent beyond the URL (the request's
	// workload.Variant), whatever the cache key kept of it: the access
	// log's query string and cookie.
	Sent workload.Variant
	// Encoding is the encoding of the body served; when it is compressed,
	// Uncompressed is the body's size before compression.
	Encoding     workload.Encoding
	Uncompressed int64
	// Functions is how many edge functions ran for the request, ColdStarts
	// how many of them started cold, FunctionTime their time (in TTFB).
	Functions, ColdStarts uint8
	FunctionTime          sim.Time
	// RangeStart and RangeEnd, when RangeEnd > 0, are the byte range
	// [RangeStart, RangeEnd) the viewer asked for (Status is 206 when it
	// succeeds, and Size the range's bytes).
	RangeStart, RangeEnd int64
	// Parts is how many parts of its object the request touched when the
	// object is cached in parts (Config.ChunkSize), else 0; PartHits is how
	// many of them the edge answered from its cache, OriginParts how many
	// were fetched from the origin. A request served in parts has, at each
	// tier, the result of its worst part (ranked Hit, Collapsed,
	// RefreshHit, Miss, Error): it is a Hit only if every part hit.
	Parts, PartHits, OriginParts uint32
	// PartHitBytes is, for a request served in parts whose result at a
	// tier (by Tier) is not a Hit, the body bytes the tier still answered
	// from its cache (its parts that hit), so that byte hit ratios count
	// every part where it was served.
	PartHitBytes [NumTiers]int64
}

// Ranged reports whether the viewer asked for a byte range.
func (o *Outcome) Ranged() bool { return o.RangeEnd > 0 }

// Travelled reports whether the request went over flow f.
func (o *Outcome) Travelled(f Flow) bool { return o.Flows&(1<<f) != 0 }

// ToOrigin reports whether the request caused a fetch from the origin
// (false when it joined one in flight or was answered by a cache).
func (o *Outcome) ToOrigin() bool { return o.Flows&originFlows != 0 }

// OriginBytes is the body the origin sent for this request.
func (o *Outcome) OriginBytes() int64 {
	return o.FlowBytes[EdgeOrigin] + o.FlowBytes[RegionalOrigin] + o.FlowBytes[ShieldOrigin]
}

// SentUpstream reports whether the tier at index tier (Edge, Regional or
// Shield, see Tier) sent the request on upstream.
func (o *Outcome) SentUpstream(tier Tier) bool {
	return o.Flows&upMask[tier] != 0
}

// Tier names the cache tiers of an Outcome.
type Tier uint8

// Tiers, from the viewer up.
const (
	TierEdge Tier = iota
	TierRegional
	TierShield
	NumTiers
)

var upMask = [NumTiers]uint8{edgeUp, regionalUp, shieldUp}

// Result is what tier t did.
func (o *Outcome) Result(t Tier) Result {
	switch t {
	case TierEdge:
		return o.Edge
	case TierRegional:
		return o.Regional
	}
	return o.Shield
}

// Observer receives every Outcome, in arrival order.
type Observer interface {
	Observe(o *Outcome)
}
