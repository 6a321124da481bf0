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
			if o.Refreshed != tc.refresh || o.OriginBytes != tc.origin || o.Status != 200 {
				t.Fatalf("second request: refreshed %v, origin bytes %d, status %d; want %v, %d, 200", o.Refreshed, o.OriginBytes, o.Status, tc.refresh, tc.origin)
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
	if o := obs.outs[1]; o.Edge != Hit || o.TTFB != hit || !o.Origin {
		t.Fatalf("within the window: edge %v TTFB %v origin %v; want a hit at %v with a background revalidation", o.Edge, o.TTFB, o.Origin, hit)
	}
	if o := obs.outs[2]; o.Edge != Hit || o.Origin {
		t.Fatalf("after the background revalidation: edge %v origin %v; want a plain hit", o.Edge, o.Origin)
	}
	if o := obs.outs[3]; o.Edge != Miss || o.TTFB <= hit {
		t.Fatalf("beyond the window: edge %v TTFB %v; want the viewer to wait for the revalidation", o.Edge, o.TTFB)
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
	if obs.outs[1].Edge != Hit || obs.outs[2].Edge != Miss || !obs.outs[2].Refreshed {
		t.Fatalf("edge %v then %v (refreshed %v); want a hit within Expires and a revalidation after", obs.outs[1].Edge, obs.outs[2].Edge, obs.outs[2].Refreshed)
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
				if o.Edge != Bypass || o.BypassReason != BypassDynamic || !o.Origin {
					t.Errorf("request %d: edge %v, bypass %v, origin %v; want a bypass to the origin", i, o.Edge, o.BypassReason, o.Origin)
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
