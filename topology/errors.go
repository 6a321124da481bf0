package topology

import (
	"fmt"
	"sort"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// ErrorShare is a share of a class's objects its origin answers with an
// error status (a 404 for URLs that do not exist, a 403 for those the
// origin refuses).
type ErrorShare struct {
	Status int
	Share  float64 // in (0, 1]; a class's shares sum to <= 1
}

// cachedErrorStatuses are the 4xx and 5xx codes CloudFront caches, each
// for its Error Caching Minimum TTL (CloudFront Developer Guide, "HTTP 4xx
// and 5xx status codes that CloudFront caches" and "Control how long
// CloudFront caches errors"). 416 is left out: CloudFront never caches it.
var cachedErrorStatuses = map[int]bool{
	400: true, 403: true, 404: true, 405: true, 414: true,
	500: true, 501: true, 502: true, 503: true, 504: true,
}

// cachedStatusList is cachedErrorStatuses for messages.
func cachedStatusList() string {
	var s []int
	for c := range cachedErrorStatuses {
		s = append(s, c)
	}
	sort.Ints(s)
	return fmt.Sprint(s)
}

// isError reports whether a status is an error answer: the cache keeps it
// for its error-caching TTL, not as an object, and the tier's result is
// Error.
func isError(status uint16) bool { return status >= 400 }

// serverError reports a 5xx: only those may be hidden by a stale copy
// (stale-if-error, RFC 5861 §4, is for 500, 502, 503 and 504); a 404 or a
// 403 is the origin's answer about the object and is passed on.
func serverError(status uint16) bool { return status >= 500 }

// errorDraw is a class's origin error shares as cumulative thresholds.
type errorDraw struct {
	total  float64 // 0: the origin answers every object
	cum    []float64
	status []uint16
}

func newErrorDraw(shares []ErrorShare) errorDraw {
	var d errorDraw
	for _, s := range shares {
		d.total += s.Share
		d.cum = append(d.cum, d.total)
		d.status = append(d.status, uint16(s.Status))
	}
	return d
}

// status is the error the origin answers for version v of obj with, or 0.
// The draw is a hash of the object and its version, not a random stream:
// a URL that is missing is missing for every viewer and every tier that
// asks, until the object changes (its next version under the behaviour's
// update interval), which is what a real missing or forbidden URL does.
func (d *errorDraw) draw(salt, obj uint64, v int64) uint16 {
	u := float64(sim.Mix64(obj^salt^uint64(v)*0x9e3779b97f4a7c15)>>11) / (1 << 53)
	if u >= d.total {
		return 0
	}
	for i, c := range d.cum {
		if u < c {
			return d.status[i]
		}
	}
	return d.status[len(d.status)-1]
}

// errorTTLs holds the Error Caching Minimum TTL of each status code
// (CloudFront's per-code setting of its custom error responses; 10 s for
// any code not configured).
type errorTTLs struct {
	def   sim.Time
	codes map[uint16]sim.Time
}

func newErrorTTLs(def time.Duration, codes map[int]time.Duration) errorTTLs {
	e := errorTTLs{def: orDur(def, 10*time.Second)}
	if len(codes) > 0 {
		e.codes = map[uint16]sim.Time{}
		for c, d := range codes {
			e.codes[uint16(c)] = sim.Duration(d)
		}
	}
	return e
}

func (e *errorTTLs) of(status uint16) sim.Time {
	if d, ok := e.codes[status]; ok {
		return d
	}
	return e.def
}

// validErrors checks the per-status error-caching TTLs and the classes'
// error shares.
func (c *Config) validErrors() error {
	for code, d := range c.ErrorTTLs {
		key := fmt.Sprintf("error_caching_min_ttl.%d", code)
		if code == 416 {
			return ferr(key, "CloudFront does not cache 416 responses")
		}
		if !cachedErrorStatuses[code] {
			return ferr(key, "unknown status code %d: CloudFront caches %s", code, cachedStatusList())
		}
		if d < 0 {
			return ferr(key, "must be >= 0")
		}
	}
	for i, cl := range c.Classes {
		sum := 0.0
		for j, e := range cl.Errors {
			key := fmt.Sprintf("workload.classes[%d].origin_errors[%d]", i, j)
			if e.Status < 400 || e.Status > 599 || !cachedErrorStatuses[e.Status] {
				return ferr(key+".status", "unknown status code %d: an origin error is one of %s", e.Status, cachedStatusList())
			}
			if e.Share <= 0 || e.Share > 1 {
				return ferr(key+".share", "must be in (0, 1], got %v", e.Share)
			}
			sum += e.Share
		}
		if sum > 1+1e-9 {
			return ferr(fmt.Sprintf("workload.classes[%d].origin_errors", i), "shares sum to %v, more than 1", sum)
		}
	}
	return nil
}

// missing is the error status the class's origin answers obj with at t
// (a 404 for a URL that does not exist, ...), or 0.
func (n *Network) missing(route *classRoute, obj uint64, t sim.Time) uint16 {
	if route.errs.total == 0 {
		return 0
	}
	return route.errs.draw(n.errSalt, obj, route.version(obj, t))
}
