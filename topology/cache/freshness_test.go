package cache

import (
	"testing"
	"time"
)

func TestParseCacheControl(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want CacheControl
	}{
		{"", CacheControl{MaxAge: -1, SMaxAge: -1, StaleWhileRevalidate: -1, StaleIfError: -1}},
		{"max-age=60", CacheControl{MaxAge: 60, SMaxAge: -1, StaleWhileRevalidate: -1, StaleIfError: -1}},
		{"public, max-age=60, s-maxage=600", CacheControl{MaxAge: 60, SMaxAge: 600, StaleWhileRevalidate: -1, StaleIfError: -1}},
		{`Max-Age="30" , No-Cache`, CacheControl{MaxAge: 30, SMaxAge: -1, NoCache: true, StaleWhileRevalidate: -1, StaleIfError: -1}},
		{"no-store,private", CacheControl{MaxAge: -1, SMaxAge: -1, NoStore: true, Private: true, StaleWhileRevalidate: -1, StaleIfError: -1}},
		{"max-age=abc, stale-while-revalidate=30, stale-if-error=86400, must-revalidate",
			CacheControl{MaxAge: -1, SMaxAge: -1, MustRevalidate: true, StaleWhileRevalidate: 30, StaleIfError: 86400}},
		{"max-age=99999999999999999999", CacheControl{MaxAge: 1 << 31, SMaxAge: -1, StaleWhileRevalidate: -1, StaleIfError: -1}},
		{"max-age=-5, s-maxage", CacheControl{MaxAge: -1, SMaxAge: -1, StaleWhileRevalidate: -1, StaleIfError: -1}},
	} {
		if got := ParseCacheControl(tc.in); got != tc.want {
			t.Errorf("ParseCacheControl(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestTTLClamp(t *testing.T) {
	t.Parallel()
	const min, def, max = time.Minute, 24 * time.Hour, 7 * 24 * time.Hour
	for _, tc := range []struct {
		cc   string
		want time.Duration
	}{
		{"", def},                   // no header: the behaviour's default
		{"max-age=3600", time.Hour}, // origin's TTL
		{"max-age=3600, s-maxage=7200", 2 * time.Hour}, // s-maxage wins in a shared cache
		{"max-age=10", min},                            // raised to the minimum
		{"max-age=31536000", max},                      // cut to the maximum
		{"no-store", 0},                                // never stored
		{"private, max-age=600", 0},                    // never stored in a shared cache
		{"no-cache, max-age=600", min},                 // revalidate, but min TTL holds it
	} {
		if got := ParseCacheControl(tc.cc).TTL(min, def, max); got != tc.want {
			t.Errorf("TTL(%q) = %v, want %v", tc.cc, got, tc.want)
		}
	}
}

func TestExpiresHeader(t *testing.T) {
	t.Parallel()
	const min, def, max = 0, 24 * time.Hour, 7 * 24 * time.Hour
	for _, tc := range []struct {
		cc      string
		expires time.Duration
		has     bool
		want    time.Duration
	}{
		{"", time.Hour, true, time.Hour},                   // Expires alone sets the TTL
		{"", 0, false, def},                                // neither: the default
		{"max-age=60", time.Hour, true, time.Minute},       // max-age wins over Expires
		{"s-maxage=30", time.Hour, true, 30 * time.Second}, // so does s-maxage
		{"public", -time.Hour, true, 0},                    // Expires in the past: stale at once
		{"", 30 * 24 * time.Hour, true, max},               // clamped to the maximum
		{"no-store", time.Hour, true, 0},                   // not storable at all
	} {
		if got := ParseCacheControl(tc.cc).TTLExpires(tc.expires, tc.has, min, def, max); got != tc.want {
			t.Errorf("TTLExpires(%q, expires %v %v) = %v, want %v", tc.cc, tc.expires, tc.has, got, tc.want)
		}
	}
}

func FuzzParseCacheControl(f *testing.F) {
	for _, s := range []string{"max-age=60", "no-store", `s-maxage="5", private`, "stale-if-error=1,,=,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cc := ParseCacheControl(s)
		for _, v := range []int64{cc.MaxAge, cc.SMaxAge, cc.StaleIfError, cc.StaleWhileRevalidate} {
			if v < -1 || v > 1<<31 {
				t.Fatalf("ParseCacheControl(%q): age %d out of range", s, v)
			}
		}
		if ttl := cc.TTL(0, time.Hour, 0); ttl < 0 || (!cc.Storable() && ttl != 0) {
			t.Fatalf("TTL(%q) = %v", s, ttl)
		}
	})
}
