package topology

import (
	"fmt"
	"time"

	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// Config describes a CDN: where its POPs, regional edge caches and origins
// are, how big their caches are, how paths map to origins, and the latency
// model. Errors from Validate name the offending key as a path
// ("pops.sites[3].region"), which the scenario layer turns into a file line.
type Config struct {
	POPs    []POP
	Regions []Region
	Origins []Origin
	// OriginGroups pair a primary and a secondary origin for failover; a
	// behaviour names a group as it names an origin.
	OriginGroups []OriginGroup
	Behaviors    []Behavior // first match wins, as CloudFront's ordered behaviours
	Latency      Latency
	Bandwidth    Bandwidth
	// Metros are the viewer locations, indexed by workload.Request.Metro.
	Metros []Metro
	// Classes are the workload's content classes, indexed by Request.Class:
	// the path prefix routes a class to a behaviour, and CacheControl is what
	// its origin sends.
	Classes []Class
	// OriginIdle is how long an idle origin connection stays open
	// (CloudFront's keep-alive default: 5 s).
	OriginIdle time.Duration
	// ErrorTTL is how long a cache keeps an error response (CloudFront's
	// Error Caching Minimum TTL: 10 s by default).
	ErrorTTL time.Duration
	// ErrorTTLs overrides ErrorTTL per status code, as CloudFront's custom
	// error responses set an Error Caching Minimum TTL for each code.
	ErrorTTLs map[int]time.Duration
	// ConnectTimeout is how long each connection attempt to a dead origin
	// waits, for the origins that do not set their own (CloudFront's
	// default: 10 s).
	ConnectTimeout time.Duration
	// DNS is the routing of viewers to POPs.
	DNS DNS
	// PriceClass limits the POPs DNS answers with to those of the class
	// (PriceClassUnset: all); viewers outside it go to the nearest POP in
	// it.
	PriceClass PriceClass
	// EgressWindow is the window a POP's egress is measured over against
	// its EgressGbps (default 10 s).
	EgressWindow time.Duration
	// Viewers is the viewer side of each request: last mile, connection
	// set-up, jitter. The zero value models none of it.
	Viewers Viewers
	// Invalidations remove objects from every cache at set times.
	Invalidations []Invalidation
	// ChunkSize, when > 0, has every cache hold an object larger than it
	// in parts of ChunkSize bytes, aligned from the object's first byte,
	// each cached (and evicted) on its own; range requests and large
	// objects are fetched part by part (ranges.go). 0 caches whole objects.
	ChunkSize int64
	// Seed drives origin processing times and policies' random choices.
	Seed uint64
}

// Invalidation is a CloudFront invalidation: at At (virtual time from the
// start) it is submitted, and after Propagation (default 5 s) every POP and
// regional cache has dropped the objects whose path matches one of Paths
// (exact paths, or patterns with * and ?, e.g. "/news/*").
type Invalidation struct {
	At          time.Duration
	Paths       []string
	Propagation time.Duration
}

// CacheSpec is one tier's cache: capacity in bytes, eviction and admission.
type CacheSpec struct {
	Capacity  int64
	Policy    string // default "lru"
	Admission string // default "always"
}

// POP is an edge location. Region names its regional edge cache.
type POP struct {
	Name     string
	Lat, Lon float64
	Region   string
	Cache    CacheSpec
	// Outages are windows when the POP is down: requests DNS sends there
	// fail, and resolvers stop answering with it once their answers expire.
	Outages []Outage
	// Area names the metro area of a POP that shares it with others (the
	// cloudfront-full preset's "IAD" for IAD1…IAD23): DNS spreads the
	// viewers whose nearest POP is in an area over all of its POPs. ""
	// is an area of its own.
	Area string
	// PriceClass is the smallest price class that includes the POP.
	PriceClass PriceClass
	// EgressGbps caps what the POP sends viewers (Gbit/s; 0: no cap):
	// while its egress over the last window was above it, DNS answers
	// with the next-nearest POP instead.
	EgressGbps float64
}

// Region is a regional edge cache, shared by the POPs attached to it.
type Region struct {
	Name     string
	Lat, Lon float64
	Cache    CacheSpec
}

// Origin is where content comes from. Kind is "custom" (an HTTP server)
// or "s3" (a bucket); processing time is lognormal with the given median
// and sigma (time to first byte at the origin, after the request arrives).
type Origin struct {
	Name            string
	Kind            string
	Lat, Lon        float64
	Processing      time.Duration
	ProcessingSigma float64
	// EgressMbps is the per-response bandwidth the origin serves at.
	EgressMbps float64
	// BypassRegional sends POP misses for this origin straight to it, as
	// CloudFront did for S3 origins before regional edge caches served them.
	BypassRegional bool
	// MaxConnections caps each node's keep-alive pool to this origin; a
	// request waits for a connection when all are busy. 0: no cap.
	MaxConnections int
	// Concurrency is how many requests the origin processes at once; more
	// queue. 0: no limit.
	Concurrency int
	// ErrorRate is the share of responses that are 503s.
	ErrorRate float64
	// Outages are windows when the origin answers nothing: each of the
	// ConnectionAttempts times out after ConnectTimeout, and the fetch
	// fails with 504 (or fails over, in an origin group).
	Outages []Outage
	// ConnectionAttempts is how many times CloudFront tries to connect (and
	// to get a response within ResponseTimeout) before it gives up: 1 to
	// 3, 0 for CloudFront's default, 3. ConnectTimeout is each attempt's
	// wait (0: Config.ConnectTimeout, else 10 s); ResponseTimeout is how
	// long CloudFront waits for the first byte of a response after sending
	// the request (0: 30 s).
	ConnectionAttempts int
	ConnectTimeout     time.Duration
	ResponseTimeout    time.Duration
	// Shield names the region whose cache becomes an origin shield: every
	// other region's misses for this origin go through it.
	Shield string
}

// Outage is a window of virtual time from the start of the run.
type Outage struct {
	Start, End time.Duration
}

// Behavior maps a path pattern (CloudFront syntax: * any run, ? one
// character) to an origin and bounds the TTL it may have.
type Behavior struct {
	Path   string
	Origin string
	// MinTTL, DefaultTTL and MaxTTL are taken literally: a zero is not
	// "unset" (the scenario layer puts CloudFront's defaults, 0 s, 24 h and
	// 365 days, in their place). MaxTTL 0 caches nothing, as CloudFront's
	// CachingDisabled policy (all three 0).
	MinTTL, DefaultTTL, MaxTTL time.Duration
	// Dynamic marks a behaviour that forwards all headers to the origin, so
	// nothing under it is cacheable: requests go from the POP to the origin.
	Dynamic bool
	// UpdateInterval is how often objects under the behaviour change at the
	// origin (0: never). A stale copy revalidates with a conditional request;
	// the answer is a 304 (no body) unless the object changed since.
	UpdateInterval time.Duration
	// Key is the cache policy: what beyond the URL goes in the cache key.
	Key CacheKey
	// Compress turns on CloudFront's edge compression (see compress.go).
	Compress bool
	// ViewerRequest and OriginRequest are the behaviour's edge functions
	// (zero Kind: none).
	ViewerRequest, OriginRequest Function
}

// Bandwidth of each leg, in Mbit/s per response; the slowest leg on a
// response's path sets its transfer time (forwarding is cut-through).
type Bandwidth struct {
	ViewerMbps   float64 // last mile, default 50
	RegionalMbps float64 // regional → POP, default 1000
}

// Metro is a viewer location.
type Metro struct {
	Name     string
	Lat, Lon float64
}

// Class is a content class as the topology sees it.
type Class struct {
	Name         string
	Prefix       string
	CacheControl string
	// Expires, when not nil, is the origin's Expires header as an offset
	// from the response's Date; it sets the TTL when Cache-Control has no
	// s-maxage or max-age.
	Expires *time.Duration
	// Sends is what the class's viewers send beyond the URL, by name: a
	// behaviour's cache policy keeps the parts it names.
	Sends workload.Sends
	// ContentType is the responses' type, which decides compression;
	// GzipRatio and BrRatio override the type's compressed size over the
	// original (0: the default).
	ContentType        string
	GzipRatio, BrRatio float64
	// Errors are the shares of the class's objects the origin answers
	// with an error (404, 403, ...), drawn per object and version.
	Errors []ErrorShare
	// Charge is the share of its size an object of the class takes in a
	// cache, in (0, 1]; 0 means 1. A miniature that keeps the class at a
	// rate R_c above its own R sets it to R/R_c (scenarios.Miniature,
	// workload.Generator.SetClassRates), so that the class's objects fill
	// the scaled caches as the whole system's fill the whole caches. The
	// bytes sent are the object's own.
	Charge float64
	// Weight is what a request of the class counts for in Stats and in
	// the Outcome's Weight: 1 (0 means 1) but in such a miniature, whose
	// counts are in units of a W-th of a request, W the largest weight of
	// its classes: W·R/R_c for the class.
	Weight int64
}

// FieldError is a validation error tied to a configuration key path.
type FieldError struct {
	Key string // e.g. "pops.sites[3].region"
	Msg string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

func ferr(key, format string, args ...any) error { return warn(key, format, args...) }

func validLatLon(key string, lat, lon float64) error {
	if lat < -90 || lat > 90 {
		return ferr(key+".lat", "latitude %v is outside [-90, 90]", lat)
	}
	if lon < -180 || lon > 180 {
		return ferr(key+".lon", "longitude %v is outside [-180, 180]", lon)
	}
	return nil
}

func validCache(key string, c CacheSpec) error {
	if c.Capacity <= 0 {
		return ferr(key+".capacity", "must be > 0 bytes, got %d", c.Capacity)
	}
	if _, err := cache.NewPolicy(orDefault(c.Policy, "lru"), cache.Config{Capacity: 1}); err != nil {
		return ferr(key+".policy", "%v", err)
	}
	if _, err := cache.NewAdmission(orDefault(c.Admission, "always"), 0); err != nil {
		return ferr(key+".admission", "%v", err)
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Validate checks the configuration for values no CDN can have. Keys are
// named as in the scenario file's schema.
func (c *Config) Validate() error {
	if len(c.Regions) == 0 {
		return ferr("regions.sites", "at least one regional edge cache is needed")
	}
	if len(c.POPs) == 0 {
		return ferr("pops.sites", "at least one POP is needed")
	}
	if len(c.POPs) > 1<<16-1 || len(c.Regions) > 1<<16-1 {
		return ferr("pops.sites", "at most 65535 POPs and regions")
	}
	regions := map[string]int{}
	for i, r := range c.Regions {
		key := fmt.Sprintf("regions.sites[%d]", i)
		if r.Name == "" {
			return ferr(key+".name", "is empty")
		}
		if _, dup := regions[r.Name]; dup {
			return ferr(key+".name", "region %q is listed twice", r.Name)
		}
		regions[r.Name] = i
		if err := validLatLon(key, r.Lat, r.Lon); err != nil {
			return err
		}
		if err := validCache(key, r.Cache); err != nil {
			return err
		}
	}
	used := make([]bool, len(c.Regions))
	pops := map[string]bool{}
	for i, p := range c.POPs {
		key := fmt.Sprintf("pops.sites[%d]", i)
		if p.Name == "" {
			return ferr(key+".name", "is empty")
		}
		if pops[p.Name] {
			return ferr(key+".name", "POP %q is listed twice", p.Name)
		}
		pops[p.Name] = true
		g, ok := regions[p.Region]
		if !ok {
			return ferr(key+".region", "names no region: %q", p.Region)
		}
		used[g] = true
		if err := validLatLon(key, p.Lat, p.Lon); err != nil {
			return err
		}
		if err := validCache(key, p.Cache); err != nil {
			return err
		}
		if err := validOutages(key, p.Outages); err != nil {
			return err
		}
	}
	for g, u := range used {
		if !u {
			return ferr(fmt.Sprintf("regions.sites[%d]", g), "region %q has no POP", c.Regions[g].Name)
		}
	}
	if len(c.Origins) == 0 {
		return ferr("origins", "at least one origin is needed")
	}
	origins := map[string]bool{}
	for i, o := range c.Origins {
		key := fmt.Sprintf("origins[%d]", i)
		if o.Name == "" {
			return ferr(key+".name", "is empty")
		}
		if origins[o.Name] {
			return ferr(key+".name", "origin %q is listed twice", o.Name)
		}
		origins[o.Name] = true
		if o.Kind != "custom" && o.Kind != "s3" {
			return ferr(key+".kind", "must be \"custom\" or \"s3\", got %q", o.Kind)
		}
		if err := validLatLon(key, o.Lat, o.Lon); err != nil {
			return err
		}
		if o.Processing < 0 {
			return ferr(key+".processing", "must be >= 0, got %v", o.Processing)
		}
		if o.ProcessingSigma < 0 || o.ProcessingSigma > 3 {
			return ferr(key+".processing_sigma", "must be in [0, 3], got %v", o.ProcessingSigma)
		}
		if o.EgressMbps < 0 {
			return ferr(key+".egress_mbps", "must be > 0, got %v", o.EgressMbps)
		}
		if o.MaxConnections < 0 {
			return ferr(key+".max_connections", "must be >= 0 (0: no cap)")
		}
		if o.Concurrency < 0 {
			return ferr(key+".concurrency", "must be >= 0 (0: no limit)")
		}
		if o.ErrorRate < 0 || o.ErrorRate > 1 {
			return ferr(key+".error_rate", "must be in [0, 1]")
		}
		if err := validOutages(key, o.Outages); err != nil {
			return err
		}
		if err := validConnections(key, o); err != nil {
			return err
		}
		if o.Shield != "" {
			if _, ok := regions[o.Shield]; !ok {
				return ferr(key+".shield", "names no region: %q", o.Shield)
			}
		}
	}
	if err := c.validGroups(origins); err != nil {
		return err
	}
	for _, g := range c.OriginGroups {
		origins[g.Name] = true // behaviours may name a group
	}
	if len(c.Behaviors) == 0 {
		return ferr("behaviors", "at least one cache behaviour is needed (path = \"*\" for the default)")
	}
	for i, b := range c.Behaviors {
		key := fmt.Sprintf("behaviors[%d]", i)
		if b.Path == "" {
			return ferr(key+".path", "is empty")
		}
		if b.Origin == "" {
			return ferr(key+".origin", "names no origin")
		}
		if !origins[b.Origin] {
			return ferr(key+".origin", "names no origin or origin group: %q", b.Origin)
		}
		if b.MinTTL < 0 || b.DefaultTTL < 0 || b.MaxTTL < 0 {
			return ferr(key, "TTLs must be >= 0")
		}
		if b.MinTTL > b.MaxTTL || b.DefaultTTL > b.MaxTTL {
			return ferr(key+".max_ttl", "%v is below min_ttl %v or default_ttl %v", b.MaxTTL, b.MinTTL, b.DefaultTTL)
		}
		if err := validBehaviorExtras(i, &b); err != nil {
			return err
		}
	}
	for i, cl := range c.Classes {
		if err := validCompression(i, &cl); err != nil {
			return err
		}
		if behaviorFor(c.Behaviors, cl.Prefix) < 0 {
			return ferr(fmt.Sprintf("workload.classes[%d].prefix", i), "path %q matches no behaviour (add a \"*\" behaviour)", cl.Prefix)
		}
	}
	l := c.Latency
	if l.KmPerMs < 0 || l.Inflation < 0 || (l.Inflation > 0 && l.Inflation < 1) || l.PerHop < 0 {
		return ferr("latency", "fibre_km_per_ms and per_hop must be >= 0 and route_inflation >= 1")
	}
	for i, lk := range c.Latency.Links {
		key := fmt.Sprintf("latency.links[%d]", i)
		if lk.RTT <= 0 {
			return ferr(key+".rtt", "must be > 0")
		}
		for _, end := range []struct{ k, name string }{{".from", lk.From}, {".to", lk.To}} {
			if n := c.placesNamed(end.name); n != 1 {
				return ferr(key+end.k, "%q must name exactly one metro, POP, region or origin (found %d)", end.name, n)
			}
		}
	}
	for i, inv := range c.Invalidations {
		key := fmt.Sprintf("invalidations[%d]", i)
		if inv.At < 0 {
			return ferr(key+".at", "must be >= 0")
		}
		if inv.Propagation < 0 {
			return ferr(key+".propagation", "must be >= 0")
		}
		if len(inv.Paths) == 0 {
			return ferr(key+".paths", "names no path")
		}
		for j, p := range inv.Paths {
			if p == "" || (p[0] != '/' && p[0] != '*') {
				return ferr(fmt.Sprintf("%s.paths[%d]", key, j), "%q must start with / (or be *)", p)
			}
		}
	}
	if c.DNS.TTL < 0 {
		return ferr("dns.ttl", "must be >= 0")
	}
	if c.DNS.PublicShare < 0 || c.DNS.PublicShare > 1 {
		return ferr("dns.public_share", "must be in [0, 1]")
	}
	if err := validLatLon("dns.public_resolver", c.DNS.PublicLat, c.DNS.PublicLon); err != nil {
		return err
	}
	if c.ErrorTTL < 0 || c.ConnectTimeout < 0 {
		return ferr("error_caching_ttl", "durations must be >= 0")
	}
	if c.ChunkSize < 0 {
		return ferr("ranges.chunk_size", "must be > 0")
	}
	if err := c.validErrors(); err != nil {
		return err
	}
	if c.Bandwidth.ViewerMbps < 0 || c.Bandwidth.RegionalMbps < 0 {
		return ferr("bandwidth", "must be > 0")
	}
	if len(c.Metros) == 0 {
		return ferr("workload.metros", "at least one viewer metro is needed")
	}
	if err := c.validFootprint(); err != nil {
		return err
	}
	return c.Viewers.validate(len(c.Metros))
}

func (c *Config) placesNamed(name string) int {
	n := 0
	for _, m := range c.Metros {
		if m.Name == name {
			n++
		}
	}
	for _, p := range c.POPs {
		if p.Name == name {
			n++
		}
	}
	for _, r := range c.Regions {
		if r.Name == name {
			n++
		}
	}
	for _, o := range c.Origins {
		if o.Name == name {
			n++
		}
	}
	return n
}

// behaviorFor returns the index of the first behaviour whose pattern
// matches a path under prefix, or -1. Classes route by their prefix: the
// representative path is prefix followed by an object number.
func behaviorFor(bs []Behavior, prefix string) int {
	for i, b := range bs {
		if MatchPath(b.Path, prefix+"0") {
			return i
		}
	}
	return -1
}

// MatchPath reports whether path matches a CloudFront path pattern, where
// * matches any run of characters (including /) and ? exactly one. A
// pattern without a leading / matches as if it had one.
func MatchPath(pattern, path string) bool { return matchPath(pattern, path) }

// matchPath is MatchPath for a path held as a string or as bytes, so an
// invalidation can test a cache's objects without a string each.
func matchPath[S string | []byte](pattern string, path S) bool {
	if len(pattern) > 0 && pattern[0] != '/' && pattern[0] != '*' {
		pattern = "/" + pattern
	}
	// Iterative wildcard matching with backtracking to the last *.
	p, s, star, mark := 0, 0, -1, 0
	for s < len(path) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == path[s]):
			p++
			s++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case star >= 0:
			p = star + 1
			mark++
			s = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// validOutages checks that each outage window of the element at key is a
// forward span of virtual time.
func validOutages(key string, ws []Outage) error {
	for j, w := range ws {
		if w.Start < 0 || w.End <= w.Start {
			return ferr(fmt.Sprintf("%s.outages[%d]", key, j), "want 0 <= start < end")
		}
	}
	return nil
}
