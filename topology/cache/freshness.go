package cache

import (
	"strconv"
	"strings"
	"time"
)

// CacheControl holds the response directives of a Cache-Control header
// (RFC 9111 §5.2.2) that a shared cache acts on. Ages are in seconds; -1
// means the directive is absent.
type CacheControl struct {
	MaxAge               int64
	SMaxAge              int64 // wins over MaxAge in shared caches (CDNs)
	NoStore              bool
	NoCache              bool // store, but revalidate before every reuse
	Private              bool // a shared cache must not store it
	MustRevalidate       bool
	StaleWhileRevalidate int64
	StaleIfError         int64
}

// ParseCacheControl parses a Cache-Control header value. It is lenient as
// caches are: unknown directives are ignored, and a malformed delta-seconds
// value makes its directive absent. Directive names are case-insensitive;
// quoted values are accepted.
func ParseCacheControl(h string) CacheControl {
	cc := CacheControl{MaxAge: -1, SMaxAge: -1, StaleWhileRevalidate: -1, StaleIfError: -1}
	for _, part := range strings.Split(h, ",") {
		name, val, hasVal := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.ToLower(strings.TrimSpace(name))
		val = strings.Trim(strings.TrimSpace(val), `"`)
		switch name {
		case "max-age":
			cc.MaxAge = deltaSeconds(val, hasVal)
		case "s-maxage":
			cc.SMaxAge = deltaSeconds(val, hasVal)
		case "stale-while-revalidate":
			cc.StaleWhileRevalidate = deltaSeconds(val, hasVal)
		case "stale-if-error":
			cc.StaleIfError = deltaSeconds(val, hasVal)
		case "no-store":
			cc.NoStore = true
		case "no-cache":
			cc.NoCache = true
		case "private":
			cc.Private = true
		case "must-revalidate", "proxy-revalidate":
			cc.MustRevalidate = true
		}
	}
	return cc
}

// deltaSeconds parses a non-negative integer; RFC 9111 §1.2.2 says values
// too large to represent are taken as 2^31 (about 68 years).
func deltaSeconds(v string, ok bool) int64 {
	if !ok || v == "" {
		return -1
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return -1
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > 1<<31 {
		return 1 << 31
	}
	return n
}

// Storable reports whether a shared cache may store the response at all.
func (cc CacheControl) Storable() bool { return !cc.NoStore && !cc.Private }

// TTL is how long a shared cache keeps the response fresh, following
// CloudFront's rules: s-maxage, else max-age, else the behaviour's default
// TTL, clamped to [min, max]. A response that may not be stored has TTL 0.
func (cc CacheControl) TTL(min, def, max time.Duration) time.Duration {
	return cc.TTLExpires(0, false, min, def, max)
}

// TTLExpires is TTL for a response that also carries an Expires header, at
// expires after the response's Date (hasExpires false: no header). As in
// RFC 9111 §5.3, Expires counts only when there is no s-maxage or max-age,
// and one at or before Date makes the response stale at once.
func (cc CacheControl) TTLExpires(expires time.Duration, hasExpires bool, min, def, max time.Duration) time.Duration {
	if !cc.Storable() {
		return 0
	}
	ttl := def
	switch {
	case cc.SMaxAge >= 0:
		ttl = time.Duration(cc.SMaxAge) * time.Second
	case cc.MaxAge >= 0:
		ttl = time.Duration(cc.MaxAge) * time.Second
	case hasExpires:
		ttl = max0(expires)
	}
	if cc.NoCache {
		// Stored but stale at once: every reuse revalidates (CloudFront
		// honours no-cache by revalidating unless the minimum TTL says more).
		ttl = 0
	}
	if ttl < min {
		ttl = min
	}
	if max > 0 && ttl > max {
		ttl = max
	}
	return ttl
}

func max0(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d
}
