package workload

import "github.com/cdnsim/cdnsim/sim"

// Method is a viewer request's HTTP method.
type Method uint8

// Methods. GET is the zero value.
const (
	GET Method = iota
	HEAD
	POST
	PUT
	PATCH
	DELETE
	OPTIONS
)

var methodNames = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return "UNKNOWN"
}

// Cacheable reports whether responses to m may be served from a cache.
func (m Method) Cacheable() bool { return m == GET || m == HEAD }

// Request is one viewer request as a generator or trace reader produces it.
// It is small and pointer-free; sources fill one in place.
type Request struct {
	Time   sim.Time // arrival at the viewer's POP
	Object uint64   // object ID; generators number objects densely from 0
	Size   int64    // response body bytes
	Metro  uint16   // index into the scenario's viewer metros
	Class  uint8    // content class index: picks the URL path prefix, and so the cache behaviour
	Method Method
	// Dynamic marks a personalised request (its cache key includes a cookie
	// or header): the CDN forwards it to the origin uncached.
	Dynamic bool
	// Variant is what the viewer sent beyond the URL (query parameters,
	// a cookie, a header, Accept-Encoding), drawn by Variants; zero when
	// nothing was drawn.
	Variant Variant
	// RangeStart and RangeEnd, when RangeEnd > 0, make the request a range
	// GET for bytes [RangeStart, RangeEnd) of the object (the HTTP header
	// Range: bytes=RangeStart-(RangeEnd-1)); RangeEnd 0 asks for the whole
	// object. Ranges (ranges.go) draws them.
	RangeStart, RangeEnd int64
	// Ghost marks a request a miniature simulates for its caches' sake
	// but does not count: its class is kept at a higher rate R_c than the
	// sample's R (Generator.SetClassRates), and all but a share R/R_c of
	// its requests, drawn by a hash, are ghosts, so that the counted ones
	// are the sample's R. A ghost fills and evicts as any request, and
	// joins and starts fetches in flight; it emits no Outcome and touches
	// nothing counted or rate-limited (topology).
	Ghost bool
	// Weight, when not 0, is what the request counts for in place of its
	// class's weight (topology.Class.Weight): a sample's request of a head
	// member kept at more than its class's rate (Generator.SetHeadParts),
	// whose object then takes that much less of its size in the caches
	// too.
	Weight uint16
}

// Ranged reports whether r asks for a byte range rather than the whole object.
func (r *Request) Ranged() bool { return r.RangeEnd > 0 }

// Length is the body bytes r asks for: its range's, or the object's size.
func (r *Request) Length() int64 {
	if r.RangeEnd > 0 {
		return r.RangeEnd - r.RangeStart
	}
	return r.Size
}

// Source streams requests in non-decreasing Time order.
type Source interface {
	// Next fills r with the next request and reports false when the stream
	// has ended (r is then unspecified).
	Next(r *Request) bool
}
