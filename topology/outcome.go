package topology

import (
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// Result is what one tier did with a request.
type Result uint8

// Results. NotReached (the zero value) means the request never got to the tier.
const (
	NotReached Result = iota
	Hit               // served from this tier's cache, fresh
	Miss              // not cached (or stale): fetched upstream
	Collapsed         // a fetch of the same key was in flight here; waited for it
	Bypass            // passed through uncached (method, dynamic behaviour, origin rule)
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

var resultNames = [...]string{"not-reached", "hit", "miss", "collapsed", "bypass"}

func (r Result) String() string {
	if int(r) < len(resultNames) {
		return resultNames[r]
	}
	return "unknown"
}

// Outcome is the record of one viewer request after the path has decided it.
// The topology reuses one Outcome value; observers must copy what they keep.
type Outcome struct {
	Time     sim.Time // arrival at the POP
	Object   uint64
	Size     int64 // body bytes delivered to the viewer
	Metro    uint16
	POP      uint16 // index into Topology.POPs
	Region   uint16 // index into Topology.Regions
	Class    uint8
	Method   workload.Method
	Edge     Result // what the POP did (a Hit may still show upstream results: a background revalidation, stale-while-revalidate)
	Regional Result // what the regional edge cache did (NotReached on an edge hit)
	Shield   Result // what the origin shield did, for shielded origins
	Origin   bool   // the request caused a fetch from the origin (false when it joined one in flight)
	// BypassReason is set when a tier was skipped: Edge and Regional are
	// Bypass for method and dynamic bypasses; only Regional for origin ones.
	BypassReason BypassReason
	// Status is the HTTP status served to the viewer. A tier Miss with
	// Status >= 500 and nothing upstream reached was answered by an error
	// response cached at that tier.
	Status uint16
	// OriginBytes is the body the origin sent for this request: Size, an
	// error page, or 0 for a 304 or a failed connection.
	OriginBytes int64
	// Refreshed: the POP's stale copy was confirmed by a 304 and served
	// (CloudFront's RefreshHit).
	Refreshed bool
	// PublicResolver: the viewer's DNS answer came from a distant public
	// resolver, so the POP may not be its nearest.
	PublicResolver bool
	// StaleServed: an upstream error was hidden by serving a stale copy
	// (Cache-Control stale-if-error).
	StaleServed bool
	TTFB        sim.Time
	TTLB        sim.Time
}

// Observer receives every Outcome, in arrival order.
type Observer interface {
	Observe(o *Outcome)
}
