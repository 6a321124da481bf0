package topology

import (
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

func TestConnectionPool(t *testing.T) {
	t.Parallel()
	var p pool
	const idle = 5 * sim.Second
	c, start, cold := p.take(0, idle, 2)
	if start != 0 || !cold {
		t.Fatalf("first take: start %v cold %v; want 0, cold", start, cold)
	}
	c.busyUntil, c.lastUsed = sim.Second, sim.Second
	// Busy until 1 s: a second request opens another connection.
	c2, _, cold := p.take(500*sim.Millisecond, idle, 2)
	if !cold || c2 == c || len(p.conns) != 2 {
		t.Fatalf("busy pool: want a second, cold connection; got cold %v, %d conns", cold, len(p.conns))
	}
	c2.busyUntil, c2.lastUsed = 3*sim.Second, 3*sim.Second
	// Both busy at 0.8 s and the pool is at its cap: wait for the first to free.
	_, start, cold = p.take(800*sim.Millisecond, idle, 2)
	if start != sim.Second || cold {
		t.Fatalf("full pool: start %v cold %v; want to wait until 1s on a warm connection", start, cold)
	}
	p.conns[0].busyUntil, p.conns[0].lastUsed = 2*sim.Second, 2*sim.Second
	// At 4 s both are idle and warm: the most recently used is reused.
	got, _, cold := p.take(4*sim.Second, idle, 2)
	if cold || got != &p.conns[1] {
		t.Fatalf("idle pool: want the most recently used warm connection")
	}
	got.lastUsed, got.busyUntil = 4*sim.Second, 4*sim.Second
	// At 7.5 s connection 0 (last used 2 s) has idled out; 1 (4 s) has not.
	got, _, cold = p.take(7500*sim.Millisecond, idle, 2)
	if cold || got != &p.conns[1] {
		t.Fatalf("want the warm connection 1")
	}
	got.lastUsed, got.busyUntil = 20*sim.Second, 20*sim.Second
	// At 30 s everything idled out: a handshake again, reusing a slot.
	_, _, cold = p.take(30*sim.Second, idle, 2)
	if !cold || len(p.conns) != 2 {
		t.Fatalf("idled-out pool: cold %v with %d conns; want a new handshake in an old slot", cold, len(p.conns))
	}
}

func TestOriginConcurrencyQueues(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Origins[0].Concurrency = 1
	cfg.Origins[0].Processing = 100 * time.Millisecond
	// Three different cold objects at once: the origin serves one at a time.
	reqs := []workload.Request{{Object: 1, Size: 10}, {Object: 2, Size: 10}, {Object: 3, Size: 10}}
	n, obs := run(t, cfg, reqs)
	for i := 1; i < 3; i++ {
		gap := obs.outs[i].TTFB - obs.outs[i-1].TTFB
		if gap < 99*sim.Millisecond || gap > 101*sim.Millisecond {
			t.Fatalf("request %d waited %v more than request %d; want one processing time (100ms)", i, gap, i-1)
		}
	}
	if n.Stats.OriginQueueTime != 300*sim.Millisecond {
		t.Fatalf("queue time %v, want 0+100+200 ms", n.Stats.OriginQueueTime)
	}
}

func TestOutageErrorsAndStaleIfError(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes = []Class{
		{Name: "sie", Prefix: "/a/", CacheControl: "max-age=60, stale-if-error=3600"},
		{Name: "plain", Prefix: "/b/", CacheControl: "max-age=60"},
	}
	cfg.Origins[0].Outages = []Outage{{Start: 100 * time.Second, End: 200 * time.Second}}
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 1000, Class: 0},
		{Time: sim.Second, Object: 2, Size: 1000, Class: 1},
		{Time: 120 * sim.Second, Object: 1, Size: 1000, Class: 0},               // stale, origin down: served stale
		{Time: 121 * sim.Second, Object: 2, Size: 1000, Class: 1},               // stale, no stale-if-error: 504
		{Time: 121*sim.Second + 10*sim.Second, Object: 2, Size: 1000, Class: 1}, // 504 still in flight at the POP? no: cached error
		{Time: 125 * sim.Second, Object: 3, Size: 1000, Class: 1},               // never cached: 504
		{Time: 300 * sim.Second, Object: 2, Size: 1000, Class: 1},               // origin back: 200
	}
	n, obs := run(t, cfg, reqs)
	if o := obs.outs[2]; o.Status != 200 || !o.StaleServed {
		t.Errorf("stale-if-error object during the outage: status %d stale %v; want 200 served stale", o.Status, o.StaleServed)
	}
	if o := obs.outs[3]; o.Status != 504 || o.TTFB < 10*sim.Second {
		t.Errorf("plain stale object during the outage: status %d after %v; want 504 after the 10 s connect timeout", o.Status, o.TTFB)
	}
	// The 504 reached the POP at ~131 s (121 s + 10 s timeout + hops) and is
	// cached there for 10 s: the request at 131 s either joins the failing
	// fetch or hits the cached error; both are errors without a new attempt.
	if o := obs.outs[4]; o.Status != 504 || o.ToOrigin() {
		t.Errorf("repeat during the outage: status %d origin %v; want the cached 504 without a new origin fetch", o.Status, o.ToOrigin())
	}
	for i, want := range [][2]Result{2: {RefreshHit, RefreshHit}, 3: {Error, Error}, 5: {Error, Error}, 6: {RefreshHit, RefreshHit}} {
		if o := obs.outs[i]; want != [2]Result{} && (o.Edge != want[0] || o.Regional != want[1]) {
			t.Errorf("request %d: edge %v, regional %v; want %v, %v", i, o.Edge, o.Regional, want[0], want[1])
		}
	}
	if o := obs.outs[5]; o.Status != 504 {
		t.Errorf("uncached object during the outage: status %d, want 504", o.Status)
	}
	if o := obs.outs[6]; o.Status != 200 || !o.ToOrigin() {
		t.Errorf("after the outage: status %d origin %v; want a fresh 200 from the origin", o.Status, o.ToOrigin())
	}
	if n.Stats.OriginFailures == 0 {
		t.Errorf("no origin failures counted")
	}
}

func TestErrorCaching(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Origins[0].ErrorRate = 1 // every response is a 503
	cfg.ErrorTTL = 10 * time.Second
	var reqs []workload.Request
	for i := 0; i < 30; i++ { // one request a second for 30 s
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Second, Object: 1, Size: 1000})
	}
	_, obs := run(t, cfg, reqs)
	fetches := 0
	for _, o := range obs.outs {
		// A cached error answers with the origin's status (not a 502),
		// as an Error at every tier, with an error page's bytes.
		if o.Status != 503 || o.Edge != Error || o.Size != errorBodyBytes {
			t.Fatalf("request at %v: status %d, edge %v, %d bytes; want 503, Error, %d", o.Time, o.Status, o.Edge, o.Size, errorBodyBytes)
		}
		if o.ToOrigin() {
			fetches++
			if o.Regional != Error || o.FlowBytes[RegionalOrigin] != errorBodyBytes || o.FlowBytes[EdgeRegional] != errorBodyBytes {
				t.Fatalf("request at %v: regional %v, bytes from the origin %d and to the POP %d; want Error and %d each",
					o.Time, o.Regional, o.FlowBytes[RegionalOrigin], o.FlowBytes[EdgeRegional], errorBodyBytes)
			}
		}
		if want := transfer(errorBodyBytes, 8e6); o.TTLB-o.TTFB != want {
			t.Fatalf("request at %v: last byte %v after the first, want %v (an error page at 8 Mbit/s)", o.Time, o.TTLB-o.TTFB, want)
		}
	}
	// A fetch at 0 s fails; its error is cached until ~10 s; the next fetch
	// at ~11 s; then ~22 s. Three origin fetches in 30 s, not 30.
	if fetches != 3 {
		t.Fatalf("%d origin fetches in 30 s with a 10 s error-caching TTL, want 3", fetches)
	}
}

func TestOriginShieldFunnelsRegions(t *testing.T) {
	t.Parallel()
	cfg := grid()
	cfg.Origins[0].Shield = "north"
	var reqs []workload.Request
	for m := 0; m < 6; m++ { // one request for the same object from every metro, seconds apart
		reqs = append(reqs, workload.Request{Time: sim.Time(m) * sim.Second, Object: 42, Size: 1000, Metro: uint16(m)})
	}
	_, obs := run(t, cfg, reqs)
	origin := 0
	for _, o := range obs.outs {
		if o.ToOrigin() {
			origin++
		}
	}
	if origin != 1 {
		t.Fatalf("with a shield, both regions' misses reached the origin %d times, want 1", origin)
	}
	// Without the shield each region fetches once.
	cfg.Origins[0].Shield = ""
	_, obs = run(t, cfg, reqs)
	origin = 0
	for _, o := range obs.outs {
		if o.ToOrigin() {
			origin++
		}
	}
	if origin != 2 {
		t.Fatalf("without a shield: %d origin fetches, want 2 (one per region)", origin)
	}
}
