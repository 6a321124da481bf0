package topology

import (
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

func TestStaleCopiesRevalidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		cc       string
		update   time.Duration
		second   sim.Time // when the second request comes
		want304s int64    // 304s answered (per hop)
		refresh  bool     // the POP's copy was confirmed, not replaced
		origin   int64    // body bytes the origin sends for the second request
	}{
		{"unchanged object: 304 at both hops, no body from the origin", "max-age=60", 0, 70 * sim.Second, 2, true, 0},
		{"changed object: a full 200", "max-age=60", 30 * time.Second, 70 * sim.Second, 0, false, 5000},
		{"still fresh: no revalidation", "max-age=60", 0, 50 * sim.Second, 0, false, 0},
		{"no-cache revalidates every reuse", "no-cache", 0, sim.Second, 2, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := line()
			cfg.Classes[0].CacheControl = tc.cc
			cfg.Behaviors[0].UpdateInterval = tc.update
			reqs := []workload.Request{{Time: 0, Object: 9, Size: 5000}, {Time: tc.second, Object: 9, Size: 5000}}
			n, obs := run(t, cfg, reqs)
			o := obs.outs[1]
			if n.Stats.NotModified != tc.want304s || n.Stats.BytesSaved != tc.want304s*5000 {
				t.Fatalf("304s %d, bytes saved %d; want %d, %d", n.Stats.NotModified, n.Stats.BytesSaved, tc.want304s, tc.want304s*5000)
			}
			if (o.Edge == RefreshHit) != tc.refresh || o.OriginBytes() != tc.origin || o.Status != 200 {
				t.Fatalf("second request: edge %v, origin bytes %d, status %d; want a RefreshHit %v, %d, 200", o.Edge, o.OriginBytes(), o.Status, tc.refresh, tc.origin)
			}
			// Whatever the answer, the copies are fresh again afterwards.
			if tc.second > 60*sim.Second || tc.cc == "no-cache" {
				if got := n.POP(0).Meta(9).Expires; tc.cc != "no-cache" && got <= int64(tc.second) {
					t.Fatalf("POP copy expires at %d, not renewed after %v", got, tc.second)
				}
			}
		})
	}
}

func TestStaleWhileRevalidate(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes[0].CacheControl = "max-age=60, stale-while-revalidate=600"
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 10},
		{Time: 70 * sim.Second, Object: 1, Size: 10},  // stale within the window: served at once, revalidated behind
		{Time: 71 * sim.Second, Object: 1, Size: 10},  // fresh again after the background 304
		{Time: 900 * sim.Second, Object: 1, Size: 10}, // stale beyond the window: the viewer waits
	}
	_, obs := run(t, cfg, reqs)
	hit := degRTT(1) + hopProcessing
	if o := obs.outs[1]; o.Edge != Hit || o.TTFB != hit || !o.ToOrigin() {
		t.Fatalf("within the window: edge %v TTFB %v origin %v; want a hit at %v with a background revalidation", o.Edge, o.TTFB, o.ToOrigin(), hit)
	}
	if o := obs.outs[2]; o.Edge != Hit || o.ToOrigin() {
		t.Fatalf("after the background revalidation: edge %v origin %v; want a plain hit", o.Edge, o.ToOrigin())
	}
	if o := obs.outs[3]; o.Edge != RefreshHit || o.TTFB <= hit {
		t.Fatalf("beyond the window: edge %v TTFB %v; want the viewer to wait for the revalidation (a RefreshHit)", o.Edge, o.TTFB)
	}
}

// TestCopiesKeepTheOriginsVersion: a POP filled from its regional cache's
// copy holds that copy's version (born time), not the time of its own fill,
// or a later revalidation would compare the wrong versions.
func TestCopiesKeepTheOriginsVersion(t *testing.T) {
	t.Parallel()
	cfg := grid()
	cfg.Classes[0].CacheControl = "max-age=3600"
	reqs := []workload.Request{
		{Time: 1800 * sim.Second, Object: 5, Size: 100, Metro: 0}, // POP A: regional miss, origin fetch
		{Time: 1810 * sim.Second, Object: 5, Size: 100, Metro: 2}, // POP C, same region: regional hit
	}
	n, obs := run(t, cfg, reqs)
	if obs.outs[1].Regional != Hit || n.dnsState.nearest(0) == n.dnsState.nearest(2) {
		t.Fatalf("setup: second request regional %v, POPs %d %d", obs.outs[1].Regional, n.dnsState.nearest(0), n.dnsState.nearest(2))
	}
	g := int(n.popRegion[n.dnsState.nearest(0)])
	want := n.Regional(g).Meta(5).Born
	if want < int64(1800*sim.Second) {
		t.Fatalf("regional copy born at %d, want the origin's time after 1800 s", want)
	}
	for _, m := range []int{0, 2} {
		if got := n.POP(n.dnsState.nearest(m)).Meta(5).Born; got != want {
			t.Errorf("POP %d copy born at %d, want the regional copy's %d", n.dnsState.nearest(m), got, want)
		}
	}
}

func TestExpiresSetsTheTTL(t *testing.T) {
	t.Parallel()
	cfg := line()
	hour := time.Hour
	cfg.Classes[0].CacheControl = "public"
	cfg.Classes[0].Expires = &hour
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 10},
		{Time: 30 * sim.Minute, Object: 1, Size: 10}, // within the hour: a hit
		{Time: 61 * sim.Minute, Object: 1, Size: 10}, // past it: revalidated
	}
	_, obs := run(t, cfg, reqs)
	if obs.outs[1].Edge != Hit || obs.outs[2].Edge != RefreshHit {
		t.Fatalf("edge %v then %v; want a hit within Expires and a RefreshHit after", obs.outs[1].Edge, obs.outs[2].Edge)
	}
}

// TestCachingDisabled: a behaviour with minimum, default and maximum TTL
// all 0 (CloudFront's managed CachingDisabled policy) caches nothing,
// whether or not the origin sends a max-age. A zero default TTL with a
// zero maximum used to be read as "unset" and cached for 24 h.
func TestCachingDisabled(t *testing.T) {
	t.Parallel()
	for _, cc := range []string{"", "public", "max-age=300"} {
		t.Run("cache-control "+cc, func(t *testing.T) {
			cfg := line()
			cfg.Behaviors[0].MinTTL, cfg.Behaviors[0].DefaultTTL, cfg.Behaviors[0].MaxTTL = 0, 0, 0
			cfg.Classes[0].CacheControl = cc
			reqs := []workload.Request{{Time: 0, Object: 4, Size: 100}, {Time: sim.Second, Object: 4, Size: 100}}
			n, obs := run(t, cfg, reqs)
			for i, o := range obs.outs {
				if o.Edge != Bypass || o.BypassReason != BypassDynamic || !o.ToOrigin() {
					t.Errorf("request %d: edge %v, bypass %v, origin %v; want a bypass to the origin", i, o.Edge, o.BypassReason, o.ToOrigin())
				}
			}
			if n.POP(0).Len() != 0 || n.Regional(0).Len() != 0 {
				t.Errorf("caches hold %d and %d objects, want none", n.POP(0).Len(), n.Regional(0).Len())
			}
		})
	}
	// A zero default TTL under a non-zero maximum still honours max-age.
	cfg := line()
	cfg.Behaviors[0].DefaultTTL = 0
	_, obs := run(t, cfg, []workload.Request{{Time: 0, Object: 4, Size: 100}, {Time: sim.Second, Object: 4, Size: 100}})
	if obs.outs[1].Edge != Hit {
		t.Errorf("default TTL 0, max-age=60: second request %v, want a hit", obs.outs[1].Edge)
	}
}

// sideBySide is line() with a second POP in the same region and a metro
// beside it, so one POP can fill from the regional copy the other left.
func sideBySide() Config {
	cfg := line()
	cfg.POPs = append(cfg.POPs, POP{Name: "pop2", Lat: -1, Lon: 0, Region: "reg", Cache: CacheSpec{Capacity: 1 << 20}})
	cfg.Metros = append(cfg.Metros, Metro{Name: "south", Lat: -1.5, Lon: 0})
	return cfg
}

// TestCopiesKeepTheirAge: a copy fetched from the regional cache is as
// old at the POP as it was there (RFC 9111 §4.2.3: the Age a cache sends
// counts against the freshness lifetime downstream), so a 50 s-old
// regional copy with max-age=60 goes stale at the POP 10 s later, not a
// full TTL later.
func TestCopiesKeepTheirAge(t *testing.T) {
	t.Parallel()
	cfg := sideBySide()
	reqs := []workload.Request{
		{Time: 0, Object: 3, Size: 100, Metro: 0},                // POP 0 and the regional cache fill from the origin
		{Time: 50 * sim.Second, Object: 3, Size: 100, Metro: 1},  // POP 1 fills from the 50 s-old regional copy
		{Time: 65 * sim.Second, Object: 3, Size: 100, Metro: 1},  // past the origin's 60 s: stale at POP 1 too
		{Time: 100 * sim.Second, Object: 3, Size: 100, Metro: 1}, // refreshed at 65 s: fresh again
	}
	n, obs := run(t, cfg, reqs)
	if o := obs.outs[1]; o.POP != 1 || o.Edge != Miss || o.Regional != Hit {
		t.Fatalf("setup: second request at POP %d, edge %v, regional %v; want POP 1, a miss filled by a regional hit", o.POP, o.Edge, o.Regional)
	}
	if o := obs.outs[2]; o.Edge != RefreshHit {
		t.Errorf("at 65 s POP 1's copy (60 s lifetime, 50 s old when it came): edge %v; want it stale and revalidated (RefreshHit)", o.Edge)
	}
	if o := obs.outs[3]; o.Edge != Hit {
		t.Errorf("at 100 s, after the 65 s revalidation: edge %v, want a hit", o.Edge)
	}
	if exp := n.POP(1).Meta(3).Expires; exp < int64(125*sim.Second) || exp > int64(126*sim.Second) {
		t.Errorf("POP 1's copy expires at %v, want 60 s after the origin's 304 at ~65 s", sim.Time(exp))
	}
}

// TestStaleStandInStaysStale: a stale copy the regional cache serves in
// place of an origin error (stale-if-error) is still stale when it reaches
// the POP, which must not store it as fresh.
func TestStaleStandInStaysStale(t *testing.T) {
	t.Parallel()
	cfg := sideBySide()
	cfg.Classes[0].CacheControl = "max-age=60, stale-if-error=3600"
	cfg.Origins[0].Outages = []Outage{{Start: 100 * time.Second, End: 1000 * time.Second}}
	reqs := []workload.Request{
		{Time: 0, Object: 3, Size: 100, Metro: 0},                // POP 0 and the regional cache fill
		{Time: 120 * sim.Second, Object: 3, Size: 100, Metro: 1}, // POP 1: regional copy stale, origin down: the stale copy stands in
		{Time: 140 * sim.Second, Object: 3, Size: 100, Metro: 1}, // POP 1's copy is that stale copy: not a fresh hit
	}
	_, obs := run(t, cfg, reqs)
	if o := obs.outs[1]; o.Status != 200 || !o.StaleServed {
		t.Fatalf("setup: at 120 s status %d, stale served %v; want the stale copy", o.Status, o.StaleServed)
	}
	if o := obs.outs[2]; o.Edge == Hit {
		t.Errorf("at 140 s POP 1 served its copy as a fresh hit; it was stale when it came (expired at ~60 s)")
	}
}

// TestStaleWhileRevalidateDoesNotWait: while a stale-while-revalidate
// revalidation is in flight, the next viewer gets the stale copy at once
// too (RFC 5861 §3), instead of waiting for the revalidation.
func TestStaleWhileRevalidateDoesNotWait(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes[0].CacheControl = "max-age=60, stale-while-revalidate=600"
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 10},
		{Time: 70 * sim.Second, Object: 1, Size: 10},                 // stale: served at once, revalidation sent
		{Time: 70*sim.Second + sim.Millisecond, Object: 1, Size: 10}, // the revalidation is still in flight
	}
	_, obs := run(t, cfg, reqs)
	hit := degRTT(1) + hopProcessing
	for _, i := range []int{1, 2} {
		if o := obs.outs[i]; o.Edge != Hit || o.TTFB != hit {
			t.Errorf("request %d: edge %v, TTFB %v; want the stale copy at once (a hit at %v)", i, o.Edge, o.TTFB, hit)
		}
	}
}

// TestStaleWhileRevalidateIgnoresTheOutcome: stale-while-revalidate
// serves the stale copy at once whether or not the revalidation will
// succeed (the cache cannot know yet), and a failed revalidation leaves
// the stale copy serving for the rest of the window.
func TestStaleWhileRevalidateIgnoresTheOutcome(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes[0].CacheControl = "max-age=60, stale-while-revalidate=600"
	cfg.Origins[0].BypassRegional = true // the POP revalidates with the origin itself
	cfg.Origins[0].Outages = []Outage{{Start: 65 * time.Second, End: 1000 * time.Second}}
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 10},
		{Time: 70 * sim.Second, Object: 1, Size: 10}, // stale; the revalidation will time out
		{Time: 85 * sim.Second, Object: 1, Size: 10}, // after the failure, within the window
	}
	_, obs := run(t, cfg, reqs)
	hit := degRTT(1) + hopProcessing
	for _, i := range []int{1, 2} {
		if o := obs.outs[i]; o.Edge != Hit || o.Status != 200 || o.TTFB != hit {
			t.Errorf("request %d: edge %v, status %d, TTFB %v; want the stale copy at once (200 at %v)", i, o.Edge, o.Status, o.TTFB, hit)
		}
	}
}
