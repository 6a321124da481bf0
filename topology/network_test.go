package topology

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// sliceSource replays a fixed request list.
type sliceSource struct {
	reqs []workload.Request
	i    int
}

func (s *sliceSource) Next(r *workload.Request) bool {
	if s.i >= len(s.reqs) {
		return false
	}
	*r = s.reqs[s.i]
	s.i++
	return true
}

// tally keeps every Outcome and counts, per tier, what reached it, what
// it answered from its cache and what it sent upstream, from the tier
// results; and the flows from the Outcomes' flow bits.
type tally struct {
	outs []Outcome
	// per tier: requests that reached it, by result, and sent upstream
	reached  [NumTiers]int64
	results  [NumTiers][NumResults]int64
	sentUp   [NumTiers]int64
	flows    [NumFlows]FlowCount
	toOrigin int64
}

func (t *tally) Observe(o *Outcome) {
	t.outs = append(t.outs, *o)
	for tier := range NumTiers {
		res := o.Result(tier)
		if res == NotReached {
			continue
		}
		t.reached[tier]++
		t.results[tier][res]++
		if o.SentUpstream(tier) {
			t.sentUp[tier]++
		}
	}
	for f := range NumFlows {
		if o.Travelled(f) {
			t.flows[f].Requests++
			t.flows[f].Bytes += o.FlowBytes[f]
		}
	}
	if o.ToOrigin() {
		t.toOrigin++
	}
}

// line is a one-POP, one-region, one-origin CDN on a meridian, so every
// distance is a whole number of degrees of latitude (111.19 km each).
func line() Config {
	return Config{
		Metros:    []Metro{{Name: "viewer", Lat: 0, Lon: 0}},
		POPs:      []POP{{Name: "pop", Lat: 1, Lon: 0, Region: "reg", Cache: CacheSpec{Capacity: 1 << 20}}},
		Regions:   []Region{{Name: "reg", Lat: 10, Lon: 0, Cache: CacheSpec{Capacity: 1 << 30}}},
		Origins:   []Origin{{Name: "web", Kind: "custom", Lat: 40, Lon: 0, Processing: 20 * time.Millisecond}},
		Behaviors: []Behavior{{Path: "*", Origin: "web", DefaultTTL: 24 * time.Hour, MaxTTL: 365 * 24 * time.Hour}},
		Classes:   []Class{{Name: "static", Prefix: "/s/", CacheControl: "max-age=60"}},
		Latency:   Latency{KmPerMs: 200, Inflation: 1, PerHop: time.Millisecond},
		Bandwidth: Bandwidth{ViewerMbps: 8, RegionalMbps: 80},
	}
}

func run(t *testing.T, cfg Config, reqs []workload.Request) (*Network, *tally) {
	t.Helper()
	var obs tally
	n, err := New(cfg, &sliceSource{reqs: reqs}, &obs)
	if err != nil {
		t.Fatal(err)
	}
	n.Run(math.MaxInt64/2, 0, nil)
	return n, &obs
}

// degRTT is the model's RTT over d degrees of a meridian with inflation 1,
// 200 km/ms and a 1 ms hop.
func degRTT(d float64) sim.Time {
	km := d * math.Pi / 180 * earthRadiusKm
	return sim.Time(2*km/200*float64(sim.Millisecond)) + sim.Millisecond
}

func TestLatencyByHand(t *testing.T) {
	t.Parallel()
	rV, rP, rO := degRTT(1), degRTT(9), degRTT(30)
	if d := GreatCircleKm(0, 0, 1, 0); math.Abs(d-111.195) > 0.01 {
		t.Fatalf("one degree of meridian = %.3f km, want 111.195", d)
	}
	const size = 100_000 // 0.1 s at 8 Mbit/s
	reqs := []workload.Request{
		{Time: 0, Object: 7, Size: size},
		{Time: 10 * sim.Second, Object: 7, Size: size}, // POP hit
		{Time: 70 * sim.Second, Object: 7, Size: size}, // stale at the POP (max-age 60): regional also stale → origin
		{Time: 71 * sim.Second, Object: 9, Size: size}, // cold object, warm origin connection
	}
	_, obs := run(t, line(), reqs)
	hop := hopProcessing
	proc := 20 * sim.Millisecond
	xfer := sim.Time(0.1 * float64(sim.Second))
	// Miss everywhere on a cold connection: viewer RTT, two hops, POP↔region
	// RTT, a hop at the region, TCP+TLS handshakes (2 RTT), the request RTT,
	// origin processing.
	cold := rV + hop + rP + hop + 2*rO + rO + proc
	warm := rV + hop + rP + hop + rO + proc
	want := []struct {
		edge, reg Result
		origin    bool
		ttfb      sim.Time
	}{
		{Miss, Miss, true, cold},
		{Hit, NotReached, false, rV + hop},
		{RefreshHit, RefreshHit, true, cold}, // stale copies confirmed by 304s; the connection idled for 70 s: cold again
		{Miss, Miss, true, warm},             // reused 1 s later
	}
	for i, w := range want {
		o := obs.outs[i]
		if o.Edge != w.edge || o.Regional != w.reg || o.ToOrigin() != w.origin {
			t.Errorf("request %d: edge %v regional %v origin %v; want %v %v %v", i, o.Edge, o.Regional, o.ToOrigin(), w.edge, w.reg, w.origin)
		}
		if d := o.TTFB - w.ttfb; d < -1 || d > 1 {
			t.Errorf("request %d: TTFB %v, want %v", i, o.TTFB, w.ttfb)
		}
		if o.TTLB-o.TTFB != xfer {
			t.Errorf("request %d: transfer %v, want %v (8 Mbit/s last mile is the bottleneck)", i, o.TTLB-o.TTFB, xfer)
		}
	}
}

func TestCollapsing(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.POPs = append(cfg.POPs, POP{Name: "pop2", Lat: -1, Lon: 0, Region: "reg", Cache: CacheSpec{Capacity: 1 << 20}})
	cfg.Metros = append(cfg.Metros, Metro{Name: "south", Lat: -1.5, Lon: 0})
	var reqs []workload.Request
	for i := 0; i < 50; i++ {
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Millisecond, Object: 1, Size: 1000, Metro: uint16(i % 2)})
	}
	n, obs := run(t, cfg, reqs)
	if n.dnsState.nearest(0) != 0 || n.dnsState.nearest(1) != 1 {
		t.Fatalf("DNS sent metros to POPs %d, %d; want 0, 1", n.dnsState.nearest(0), n.dnsState.nearest(1))
	}
	if obs.toOrigin != 1 {
		t.Fatalf("50 simultaneous requests from two POPs of one region reached the origin %d times, want 1", obs.toOrigin)
	}
	e, g := obs.results[TierEdge], obs.results[TierRegional]
	if e[Miss] != 2 || e[Collapsed] != 48 || g[Miss] != 1 || g[Collapsed] != 1 {
		t.Fatalf("edge miss/collapsed %d/%d, regional miss/collapsed %d/%d; want 2/48, 1/1", e[Miss], e[Collapsed], g[Miss], g[Collapsed])
	}
	// A collapsed request gets its first byte when the leader's arrives.
	lead := obs.outs[0]
	for _, o := range obs.outs[2:] {
		if o.POP == lead.POP && o.Time+o.TTFB != lead.Time+lead.TTFB {
			t.Fatalf("collapsed request at %v: first byte at %v, leader's at %v", o.Time, o.Time+o.TTFB, lead.Time+lead.TTFB)
		}
	}
}

// randomRequests is an IRM stream over a small catalog from many metros.
func randomRequests(seed uint64, n, objects int, metros int) []workload.Request {
	r := rand.New(rand.NewPCG(seed, 1))
	reqs := make([]workload.Request, n)
	t := sim.Time(0)
	for i := range reqs {
		t += sim.Time(r.ExpFloat64() * float64(20*sim.Millisecond))
		obj := uint64(math.Pow(float64(objects), r.Float64())) // log-uniform: a few hot objects
		reqs[i] = workload.Request{Time: t, Object: obj, Size: 1000 + int64(obj%50)*1000, Metro: uint16(r.IntN(metros))}
		if i%97 == 0 {
			reqs[i].Method = workload.POST
		}
	}
	return reqs
}

func grid() Config {
	cfg := line()
	cfg.Metros = nil
	cfg.POPs = nil
	cfg.Regions = []Region{{Name: "north", Lat: 40, Lon: 0, Cache: CacheSpec{Capacity: 4 << 20}}, {Name: "south", Lat: -20, Lon: 20, Cache: CacheSpec{Capacity: 4 << 20}}}
	for i := 0; i < 6; i++ {
		reg := "north"
		if i%2 == 1 {
			reg = "south"
		}
		lat := float64(i*15 - 30)
		cfg.POPs = append(cfg.POPs, POP{Name: string(rune('A' + i)), Lat: lat, Lon: float64(i * 10), Region: reg, Cache: CacheSpec{Capacity: 512 << 10}})
		cfg.Metros = append(cfg.Metros, Metro{Name: string(rune('a' + i)), Lat: lat + 1, Lon: float64(i*10) + 1})
	}
	cfg.Classes[0].CacheControl = "max-age=30"
	return cfg
}

// TestTierInvariants checks the accounting at every node on a random
// workload with POSTs, revalidations, an origin that skips the regional
// tier for one class and a shield: each tier is reached exactly by the
// flows into it, answers every request it gets in one way (from its cache,
// by sending it upstream, by joining a fetch in flight, or from a cached
// error), and sends upstream exactly the flows out of it; the Outcomes'
// flows agree with the network's own counts.
func TestTierInvariants(t *testing.T) {
	t.Parallel()
	cfg := grid()
	cfg.Origins = append(cfg.Origins, Origin{Name: "bucket", Kind: "s3", Lat: 40, Lon: 10, Processing: 10 * time.Millisecond, BypassRegional: true})
	cfg.Origins[0].Shield = "north"
	cfg.Origins[0].ErrorRate = 0.02
	cfg.Behaviors = append([]Behavior{{Path: "/b/*", Origin: "bucket", MaxTTL: time.Hour}}, cfg.Behaviors...)
	cfg.Classes = append(cfg.Classes, Class{Name: "b", Prefix: "/b/", CacheControl: "max-age=20"})
	reqs := randomRequests(3, 20000, 3000, 6)
	for i := range reqs {
		reqs[i].Class = uint8(i % 3 / 2) // a third of the requests for the bucket
	}
	n, obs := run(t, cfg, reqs)
	into := [NumTiers]int64{int64(len(obs.outs)) - n.Stats.DeadPOPRequests, obs.flows[EdgeRegional].Requests, obs.flows[RegionalShield].Requests}
	out := [NumTiers]int64{
		obs.flows[EdgeRegional].Requests + obs.flows[EdgeOrigin].Requests,
		obs.flows[RegionalOrigin].Requests + obs.flows[RegionalShield].Requests,
		obs.flows[ShieldOrigin].Requests,
	}
	for tier := range NumTiers {
		r := obs.results[tier]
		if obs.reached[tier] != into[tier] {
			t.Errorf("tier %d reached by %d requests, flows into it %d", tier, obs.reached[tier], into[tier])
		}
		if obs.sentUp[tier] != out[tier] {
			t.Errorf("tier %d sent %d requests upstream, flows out of it %d", tier, obs.sentUp[tier], out[tier])
		}
		var fromCache, cachedErr int64
		for _, o := range obs.outs {
			up := o.SentUpstream(tier)
			switch o.Result(tier) {
			case Hit:
				if !up {
					fromCache++
				}
			case Error:
				if !up {
					cachedErr++
				}
			case RefreshHit, Miss, Bypass:
				if !up {
					t.Fatalf("tier %d: a %v that sent nothing upstream: %+v", tier, o.Result(tier), o)
				}
			}
		}
		if got := fromCache + obs.sentUp[tier] + r[Collapsed] + cachedErr; got != obs.reached[tier] {
			t.Errorf("tier %d: %d requests in, but %d from cache + %d upstream + %d collapsed + %d cached errors = %d",
				tier, obs.reached[tier], fromCache, obs.sentUp[tier], r[Collapsed], cachedErr, got)
		}
	}
	if obs.flows != n.Stats.Flows {
		t.Errorf("flows from the outcomes %+v, counted by the network %+v", obs.flows, n.Stats.Flows)
	}
	if opened := n.Stats.ConnectionsOpened + n.Stats.ConnectionsReused; obs.toOrigin != opened {
		t.Errorf("%d requests reached the origin, %d origin fetches made", obs.toOrigin, opened)
	}
	e := obs.results[TierEdge]
	if e[Bypass] != int64((len(obs.outs)+96)/97) {
		t.Errorf("edge bypass = %d, want every 97th request (POST)", e[Bypass])
	}
	for _, want := range []struct {
		tier Tier
		res  Result
	}{{TierEdge, Hit}, {TierEdge, RefreshHit}, {TierEdge, Collapsed}, {TierEdge, Error}, {TierRegional, Hit},
		{TierRegional, RefreshHit}, {TierShield, Hit}, {TierShield, Miss}} {
		if obs.results[want.tier][want.res] == 0 {
			t.Errorf("degenerate workload: no %v at tier %d", want.res, want.tier)
		}
	}
	if obs.flows[EdgeOrigin].Requests <= e[Bypass] {
		t.Errorf("edge → origin %d, only the bypasses (%d): the bucket's misses should go there too", obs.flows[EdgeOrigin].Requests, e[Bypass])
	}
}

func TestLargerEdgeCacheNeverLowersHitRatio(t *testing.T) {
	t.Parallel()
	reqs := randomRequests(5, 20000, 3000, 6)
	prev := -1.0
	for _, capKB := range []int64{64, 128, 256, 512, 1024, 4096} {
		cfg := grid()
		cfg.Classes[0].CacheControl = "max-age=86400"
		cfg.Origins[0].ProcessingSigma = 0
		for i := range cfg.POPs {
			cfg.POPs[i].Cache.Capacity = capKB << 10
		}
		_, obs := run(t, cfg, reqs)
		hr := float64(obs.results[TierEdge][Hit]) / float64(obs.reached[TierEdge])
		if hr < prev {
			t.Fatalf("edge hit ratio fell from %.4f to %.4f when the POP cache grew to %d KB", prev, hr, capKB)
		}
		prev = hr
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	cfg := grid()
	cfg.Origins[0].ProcessingSigma = 0.8
	cfg.Seed = 42
	reqs := randomRequests(9, 5000, 500, 6)
	_, a := run(t, cfg, reqs)
	_, b := run(t, cfg, reqs)
	for i := range a.outs {
		if a.outs[i] != b.outs[i] {
			t.Fatalf("outcome %d differs between identical runs: %+v vs %+v", i, a.outs[i], b.outs[i])
		}
	}
}

func TestMatchPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"*", "/anything/at/all", true},
		{"/news/*", "/news/123", true},
		{"news/*", "/news/123", true},
		{"/news/*", "/static/1", false},
		{"/img/*.jpg", "/img/a/b.jpg", true},
		{"/img/*.jpg", "/img/a/b.png", false},
		{"/v?/x", "/v1/x", true},
		{"/v?/x", "/v10/x", false},
		{"/a*b*c", "/aXbYbZc", true},
		{"/a*b*c", "/aXcYb", false},
	} {
		if got := MatchPath(tc.pattern, tc.path); got != tc.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestValidateNamesTheKey(t *testing.T) {
	t.Parallel()
	checkValidateKeys(t, line, []keyCase{
		{"negative capacity", func(c *Config) { c.POPs[0].Cache.Capacity = -1 }, "pops.sites[0].capacity"},
		{"behaviour names no origin", func(c *Config) { c.Behaviors[0].Origin = "" }, "behaviors[0].origin"},
		{"behaviour names an unknown origin", func(c *Config) { c.Behaviors[0].Origin = "nope" }, "behaviors[0].origin"},
		{"region with no POP", func(c *Config) {
			c.Regions = append(c.Regions, Region{Name: "empty", Cache: CacheSpec{Capacity: 1}})
		}, "regions.sites[1]"},
		{"POP in an unknown region", func(c *Config) { c.POPs[0].Region = "atlantis" }, "pops.sites[0].region"},
		{"unknown policy", func(c *Config) { c.Regions[0].Cache.Policy = "mru" }, "regions.sites[0].policy"},
		{"bad origin kind", func(c *Config) { c.Origins[0].Kind = "ftp" }, "origins[0].kind"},
		{"latitude", func(c *Config) { c.POPs[0].Lat = 91 }, "pops.sites[0].lat"},
		{"link to nowhere", func(c *Config) { c.Latency.Links = []Link{{From: "pop", To: "mars", RTT: time.Millisecond}} }, "latency.links[0].to"},
		{"no behaviour for a class", func(c *Config) { c.Behaviors[0].Path = "/x/*" }, "workload.classes[0].prefix"},
	})
}

// dynamicGET stands for a GET with Request.Dynamic set in TestBypassRules.
const dynamicGET workload.Method = 255

func TestBypassRules(t *testing.T) {
	t.Parallel()
	rV, rPO := degRTT(1), degRTT(39) // viewer↔POP, POP↔origin (latitudes 1 and 40)
	proc := 20 * sim.Millisecond
	for _, tc := range []struct {
		name     string
		mut      func(*Config)
		method   workload.Method
		reason   BypassReason
		popCache bool // the POP stores the object
	}{
		{"POST goes from the POP to the origin", func(*Config) {}, workload.POST, BypassMethod, false},
		{"a dynamic behaviour is never cached", func(c *Config) { c.Behaviors[0].Dynamic = true }, workload.GET, BypassDynamic, false},
		{"no-store is never cached", func(c *Config) { c.Classes[0].CacheControl = "no-store" }, workload.GET, BypassDynamic, false},
		{"TTL 0 is never cached", func(c *Config) { c.Classes[0].CacheControl = "max-age=0" }, workload.GET, BypassDynamic, false},
		{"an S3-style origin skips the regional tier", func(c *Config) { c.Origins[0].BypassRegional = true }, workload.GET, BypassOrigin, true},
		{"a dynamic (personalised) request is never cached", func(*Config) {}, dynamicGET, BypassDynamic, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := line()
			tc.mut(&cfg)
			method, dynamic := tc.method, tc.method == dynamicGET
			if dynamic {
				method = workload.GET
			}
			reqs := []workload.Request{
				{Time: 0, Object: 3, Size: 1000, Method: method, Dynamic: dynamic},
				{Time: sim.Second, Object: 3, Size: 1000, Method: method, Dynamic: dynamic},
			}
			n, obs := run(t, cfg, reqs)
			first := obs.outs[0]
			if first.BypassReason != tc.reason || first.Regional != NotReached || !first.Travelled(EdgeOrigin) {
				t.Fatalf("first request: reason %v regional %v edge→origin %v; want %v, not reached, true", first.BypassReason, first.Regional, first.Travelled(EdgeOrigin), tc.reason)
			}
			// Straight from the POP: a cold connection (TCP+TLS), the request
			// round trip and processing; no regional hop.
			want := rV + hopProcessing + 2*rPO + rPO + proc
			if d := first.TTFB - want; d < -1 || d > 1 {
				t.Fatalf("TTFB %v, want %v (POP → origin direct)", first.TTFB, want)
			}
			if n.Regional(0).Len() != 0 {
				t.Fatalf("the regional cache holds %d objects; a bypass must not reach it", n.Regional(0).Len())
			}
			if got := n.POP(0).Contains(3); got != tc.popCache {
				t.Fatalf("POP caches the object: %v, want %v", got, tc.popCache)
			}
			second := obs.outs[1]
			if tc.popCache && second.Edge != Hit {
				t.Fatalf("second request: edge %v, want a hit from the POP", second.Edge)
			}
			if !tc.popCache && (second.Edge != Bypass || !second.ToOrigin()) {
				t.Fatalf("second request: edge %v origin %v, want another bypass to the origin", second.Edge, second.ToOrigin())
			}
		})
	}
}

func TestInvalidation(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes = []Class{
		{Name: "news", Prefix: "/news/", CacheControl: "max-age=86400"},
		{Name: "img", Prefix: "/img/", CacheControl: "max-age=86400"},
	}
	cfg.Invalidations = []Invalidation{{At: 10 * time.Second, Paths: []string{"/news/*", "/img/7"}, Propagation: 2 * time.Second}}
	var reqs []workload.Request
	for _, at := range []sim.Time{0, 11 * sim.Second, 13 * sim.Second} {
		for obj := uint64(1); obj <= 8; obj++ {
			reqs = append(reqs, workload.Request{Time: at + sim.Time(obj)*sim.Millisecond, Object: obj, Size: 100, Class: uint8(obj % 2)})
		}
	}
	n, obs := run(t, cfg, reqs)
	// Objects 2,4,6,8 are /news/ (class 0), 1,3,5,7 are /img/; 7 is named.
	removed := map[uint64]bool{2: true, 4: true, 6: true, 8: true, 7: true}
	for i, o := range obs.outs {
		var want Result
		switch {
		case i < 8:
			want = Miss // cold
		case i < 16:
			want = Hit // at 11 s the invalidation (10 s + 2 s propagation) has not landed
		case removed[o.Object]:
			want = Miss
		default:
			want = Hit
		}
		if o.Edge != want {
			t.Errorf("request %d (object %d at %v): edge %v, want %v", i, o.Object, o.Time, o.Edge, want)
		}
		if i >= 16 && removed[o.Object] && (o.Regional != Miss || !o.ToOrigin()) {
			t.Errorf("object %d after the invalidation: regional %v origin %v; want a regional miss and an origin fetch", o.Object, o.Regional, o.ToOrigin())
		}
	}
	if n.Stats.InvalidationPaths != 2 || n.Stats.InvalidatedObjects != 10 {
		t.Fatalf("invalidation stats %d paths, %d objects; want 2 paths, 10 copies (5 objects × POP and regional)", n.Stats.InvalidationPaths, n.Stats.InvalidatedObjects)
	}
}

// TestClassesKeptOnlyForInvalidations: a network remembers its objects'
// classes (for rebuilding a cached object's path) only when the
// configuration has invalidations; without them it keeps nothing, however
// many objects pass (at CloudFront scale that table was tens of megabytes
// written at random), with them it knows every object's class.
func TestClassesKeptOnlyForInvalidations(t *testing.T) {
	t.Parallel()
	reqs := randomRequests(3, 2000, 500, 1)
	for i := range reqs {
		reqs[i].Class = uint8(reqs[i].Object % 2)
	}
	cfg := line()
	cfg.Classes = []Class{{Name: "a", Prefix: "/a/"}, {Name: "b", Prefix: "/b/"}}
	n, _ := run(t, cfg, reqs)
	if len(n.objClass) != 0 || n.objClassMap != nil {
		t.Fatalf("no invalidations: %d classes and a map of %d kept, want none", len(n.objClass), len(n.objClassMap))
	}
	cfg.Invalidations = []Invalidation{{At: time.Hour, Paths: []string{"/a/1"}}}
	n, _ = run(t, cfg, reqs)
	for _, r := range reqs {
		if c, ok := n.classOf(r.Object); !ok || c != r.Class {
			t.Fatalf("with invalidations: object %d has class %d (known %v), want %d", r.Object, c, ok, r.Class)
		}
	}
}
