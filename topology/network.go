package topology

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// Event kinds the network schedules on the engine.
const (
	evArrival      uint32 = iota // the next viewer request reaches its POP
	evFillPOP                    // an object's first byte reaches a POP: admit it
	evFillRegional               // an object's first byte reaches a regional cache
	evInvalidate                 // an invalidation has propagated: Arg indexes Config.Invalidations
)

// defaultPropagation is how long an invalidation takes to reach every
// cache when the scenario does not say: CloudFront documents "typically
// within seconds".
const defaultPropagation = 5 * sim.Second

// maxDenseObject bounds the object IDs whose class is kept in a slice; the
// generators number objects densely from 0, traces with hashed IDs go to
// the map.
const maxDenseObject = 1 << 26

// hopProcessing is a cache's own time to serve or forward a request: a
// lookup and header work on a loaded edge server, sub-millisecond.
const hopProcessing = 500 * sim.Microsecond

// handshakeRTTs is what a cold origin connection costs before the request
// can go: one round trip for TCP and one for TLS 1.3.
const handshakeRTTs = 2

// fetch is a fetch in flight at a node: requests for the same object that
// arrive before ready join it (request collapsing) instead of going upstream.
type fetch struct {
	ready   sim.Time // first byte available at this node
	size    int64
	bps     float64 // bottleneck bandwidth upstream of this node, bits/s
	expires sim.Time
	store   bool
}

// cacheNode is a POP or a regional edge cache.
type cacheNode struct {
	cache    *cache.Cache
	inflight map[uint64]fetch // written at a miss, deleted by the fill event
}

func (n *cacheNode) beginFetch(obj uint64, f fetch) { n.inflight[obj] = f }

// conn is the (regional cache, origin) connection state: the single
// keep-alive connection model, cold again after OriginIdle without use.
type conn struct {
	lastUsed sim.Time
	used     bool
}

// classRoute is what a content class resolves to, computed once.
type classRoute struct {
	origin int
	ttl    sim.Time
	// bypass is BypassDynamic when nothing of the class may be cached
	// (dynamic behaviour, TTL 0, no-store, private), BypassOrigin when its
	// origin skips the regional tier.
	bypass BypassReason
}

// Stats are the network's own counters (the recorder sees outcomes).
type Stats struct {
	ConnectionsOpened, ConnectionsReused int64
	HandshakeTime                        sim.Time
	InvalidationPaths                    int64 // paths submitted
	InvalidatedObjects                   int64 // cached copies removed, summed over caches
}

// Network is the CDN model: it consumes a workload.Source on a sim.Engine
// and emits one Outcome per request to its Observer.
type Network struct {
	cfg                    Config
	eng                    *sim.Engine
	src                    workload.Source
	obs                    Observer
	pops                   []cacheNode
	regions                []cacheNode
	popRegion              []uint16
	dns                    []uint16   // metro → POP with the lowest modelled RTT
	viewRTT                []sim.Time // metro → its POP's RTT
	popRTT                 []sim.Time // POP → its region's RTT
	origRTT                []sim.Time // region*len(origins)+origin → RTT
	conns                  []conn     // region*len(origins)+origin
	originProc             []lognormal
	originBps              []float64
	routes                 []classRoute
	viewerBps, regionalBps float64
	idle                   sim.Time

	// objClass remembers each object's class (+1; 0 = never seen) so an
	// invalidation can rebuild a cached object's path.
	objClass    []uint8
	objClassMap map[uint64]uint8
	keys        []cache.ObjectID // scratch for invalidations

	next    workload.Request
	pending bool // next holds a scheduled arrival
	started bool // Run has scheduled the first arrival and the invalidations
	out     Outcome
	Stats   Stats
}

// lognormal draws origin processing times: median·exp(σ·Z).
type lognormal struct {
	median float64
	sigma  float64
	rng    *rand.Rand
}

func (l *lognormal) draw() sim.Time {
	if l.sigma == 0 {
		return sim.Time(l.median)
	}
	return sim.Time(l.median * math.Exp(l.sigma*l.rng.NormFloat64()))
}

// New builds the network from a validated configuration.
func New(cfg Config, src workload.Source, obs Observer) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := &Network{cfg: cfg, src: src, obs: obs}
	n.eng = sim.NewEngine(n)
	lat := cfg.Latency.withDefaults()
	n.viewerBps = mbps(cfg.Bandwidth.ViewerMbps, 50)
	n.regionalBps = mbps(cfg.Bandwidth.RegionalMbps, 1000)
	n.idle = sim.Duration(cfg.OriginIdle)
	if n.idle == 0 {
		n.idle = 5 * sim.Second
	}

	regionIdx := map[string]int{}
	for g, r := range cfg.Regions {
		regionIdx[r.Name] = g
		c, err := newCache(r.Cache, cfg.Seed, "region/"+r.Name)
		if err != nil {
			return nil, ferr(fmt.Sprintf("regions.sites[%d]", g), "%v", err)
		}
		n.regions = append(n.regions, cacheNode{cache: c, inflight: map[uint64]fetch{}})
	}
	for i, p := range cfg.POPs {
		c, err := newCache(p.Cache, cfg.Seed, "pop/"+p.Name)
		if err != nil {
			return nil, ferr(fmt.Sprintf("pops.sites[%d]", i), "%v", err)
		}
		n.pops = append(n.pops, cacheNode{cache: c, inflight: map[uint64]fetch{}})
		g := regionIdx[p.Region]
		n.popRegion = append(n.popRegion, uint16(g))
		r := cfg.Regions[g]
		n.popRTT = append(n.popRTT, n.rtt(lat, p.Name, p.Lat, p.Lon, r.Name, r.Lat, r.Lon))
	}
	for _, m := range cfg.Metros {
		best, bestRTT := 0, sim.Time(math.MaxInt64)
		for i, p := range cfg.POPs {
			if d := n.rtt(lat, m.Name, m.Lat, m.Lon, p.Name, p.Lat, p.Lon); d < bestRTT {
				best, bestRTT = i, d
			}
		}
		n.dns = append(n.dns, uint16(best))
		n.viewRTT = append(n.viewRTT, bestRTT)
	}
	for _, p := range cfg.POPs {
		for _, o := range cfg.Origins {
			n.origRTT = append(n.origRTT, n.rtt(lat, p.Name, p.Lat, p.Lon, o.Name, o.Lat, o.Lon))
		}
	}
	for _, r := range cfg.Regions {
		for _, o := range cfg.Origins {
			n.origRTT = append(n.origRTT, n.rtt(lat, r.Name, r.Lat, r.Lon, o.Name, o.Lat, o.Lon))
		}
	}
	n.conns = make([]conn, len(n.origRTT))
	for _, o := range cfg.Origins {
		proc := o.Processing
		n.originProc = append(n.originProc, lognormal{
			median: float64(proc), sigma: o.ProcessingSigma,
			rng: sim.NewRand(cfg.Seed, "origin/"+o.Name),
		})
		n.originBps = append(n.originBps, mbps(o.EgressMbps, 1000))
	}
	originIdx := map[string]int{}
	for i, o := range cfg.Origins {
		originIdx[o.Name] = i
	}
	for _, cl := range cfg.Classes {
		b := cfg.Behaviors[behaviorFor(cfg.Behaviors, cl.Prefix)]
		def := b.DefaultTTL
		if def == 0 && b.MaxTTL == 0 {
			def = 24 * 60 * 60 * 1e9 // CloudFront's default TTL: 24 h
		}
		cc := cache.ParseCacheControl(cl.CacheControl)
		ttl := cc.TTL(b.MinTTL, def, b.MaxTTL)
		route := classRoute{origin: originIdx[b.Origin], ttl: sim.Duration(ttl)}
		switch {
		case b.Dynamic || !cc.Storable() || ttl <= 0:
			route.bypass = BypassDynamic
		case cfg.Origins[route.origin].BypassRegional:
			route.bypass = BypassOrigin
		}
		n.routes = append(n.routes, route)
	}
	return n, nil
}

func mbps(v, def float64) float64 {
	if v == 0 {
		v = def
	}
	return v * 1e6
}

func newCache(s CacheSpec, seed uint64, stream string) (*cache.Cache, error) {
	p, err := cache.NewPolicy(orDefault(s.Policy, "lru"), cache.Config{Capacity: s.Capacity, Seed: sim.NewRand(seed, stream).Uint64()})
	if err != nil {
		return nil, err
	}
	a, err := cache.NewAdmission(orDefault(s.Admission, "always"), sim.NewRand(seed, stream+"/admission").Uint64())
	if err != nil {
		return nil, err
	}
	return cache.New(p, a, cache.Options{TTL: true}), nil
}

// rtt is the modelled RTT between two places, or the configured link's.
func (n *Network) rtt(l Latency, a string, alat, alon float64, b string, blat, blon float64) sim.Time {
	for _, lk := range l.Links {
		if (lk.From == a && lk.To == b) || (lk.From == b && lk.To == a) {
			return sim.Duration(lk.RTT)
		}
	}
	return l.RTT(alat, alon, blat, blon)
}

// scheduleInvalidations puts every configured invalidation on the queue.
func (n *Network) scheduleInvalidations() {
	for i, inv := range n.cfg.Invalidations {
		prop := sim.Duration(inv.Propagation)
		if prop == 0 {
			prop = defaultPropagation
		}
		n.eng.Schedule(sim.Duration(inv.At)+prop, evInvalidate, 0, uint64(i))
	}
}

func (n *Network) noteClass(obj uint64, class uint8) {
	if obj < maxDenseObject {
		if obj >= uint64(len(n.objClass)) {
			grow := max(2*len(n.objClass), int(obj)+1, 1024)
			n.objClass = append(n.objClass, make([]uint8, min(grow, maxDenseObject)-len(n.objClass))...)
		}
		n.objClass[obj] = class + 1
		return
	}
	if n.objClassMap == nil {
		n.objClassMap = map[uint64]uint8{}
	}
	n.objClassMap[obj] = class + 1
}

func (n *Network) classOf(obj uint64) (uint8, bool) {
	var c uint8
	if obj < uint64(len(n.objClass)) {
		c = n.objClass[obj]
	} else {
		c = n.objClassMap[obj]
	}
	return c - 1, c != 0
}

// Path is an object's URL path: its class's prefix and its number.
func (n *Network) Path(class uint8, obj uint64) string {
	return n.cfg.Classes[class].Prefix + strconv.FormatUint(obj, 10)
}

// invalidate removes every cached object matching the invalidation's paths
// from every POP and regional cache. Fetches already in flight still fill
// (they left before the invalidation reached the cache).
func (n *Network) invalidate(inv Invalidation) {
	n.Stats.InvalidationPaths += int64(len(inv.Paths))
	for _, group := range [][]cacheNode{n.pops, n.regions} {
		for i := range group {
			c := group[i].cache
			var ok bool
			n.keys, ok = c.Keys(n.keys[:0])
			if !ok {
				panic("topology: cache policy " + c.Policy().Name() + " cannot list its objects for an invalidation")
			}
			for _, id := range n.keys {
				class, known := n.classOf(uint64(id))
				if !known {
					continue
				}
				path := n.Path(class, uint64(id))
				for _, pat := range inv.Paths {
					if MatchPath(pat, path) {
						c.Remove(id)
						n.Stats.InvalidatedObjects++
						break
					}
				}
			}
		}
	}
}

// POPFor is the POP DNS sends a metro's viewers to.
func (n *Network) POPFor(metro int) int { return int(n.dns[metro]) }

// Engine is the simulation engine the network runs on.
func (n *Network) Engine() *sim.Engine { return n.eng }

// POP and Regional expose the caches, for tests and reports.
func (n *Network) POP(i int) *cache.Cache      { return n.pops[i].cache }
func (n *Network) Regional(g int) *cache.Cache { return n.regions[g].cache }

// Run simulates until the source ends and every fill has landed, or until
// virtual time until, whichever is first. progress, if not nil, is called
// with the virtual time after each step of virtual time.
func (n *Network) Run(until, step sim.Time, progress func(now sim.Time)) {
	if !n.started {
		n.started = true
		n.scheduleInvalidations()
		n.scheduleNext()
	}
	if step <= 0 {
		step = until
	}
	for t := n.eng.Now(); t < until && n.eng.Pending() > 0; {
		t += step
		if t > until {
			t = until
		}
		n.eng.Run(t)
		if progress != nil {
			progress(t)
		}
	}
}

func (n *Network) scheduleNext() {
	if n.src.Next(&n.next) {
		n.pending = true
		at := n.next.Time
		if at < n.eng.Now() {
			at = n.eng.Now() // a trace with out-of-order times: serve late rather than travel back
		}
		n.eng.Schedule(at, evArrival, 0, 0)
		return
	}
	n.pending = false
}

// Handle dispatches an engine event.
func (n *Network) Handle(e sim.Event) {
	switch e.Kind {
	case evArrival:
		n.arrive(e.At, &n.next)
		n.scheduleNext()
	case evFillPOP:
		n.fill(&n.pops[e.Node], e.Arg, e.At)
	case evFillRegional:
		n.fill(&n.regions[e.Node], e.Arg, e.At)
	case evInvalidate:
		n.invalidate(n.cfg.Invalidations[e.Arg])
	}
}

func (n *Network) fill(nd *cacheNode, obj uint64, now sim.Time) {
	f, ok := nd.inflight[obj]
	if !ok {
		panic("topology: fill without a fetch in flight")
	}
	delete(nd.inflight, obj)
	if f.store {
		nd.cache.Put(cache.Request{ID: cache.ObjectID(obj), Size: f.size, Time: int64(now)}, int64(f.expires))
	}
}

// arrive runs one request down the path. The whole path's timing is known
// at arrival (no queueing yet), so the outcome is emitted now; the caches
// it missed in are filled by events when the first byte gets back to them.
func (n *Network) arrive(t sim.Time, r *workload.Request) {
	p := int(n.dns[r.Metro])
	g := int(n.popRegion[p])
	n.noteClass(r.Object, r.Class)
	route := n.routes[r.Class]
	o := &n.out
	*o = Outcome{Time: t, Object: r.Object, Size: r.Size, Metro: r.Metro, POP: uint16(p), Region: uint16(g),
		Class: r.Class, Method: r.Method, Status: 200}
	rttV := n.viewRTT[r.Metro]
	cr := cache.Request{ID: cache.ObjectID(r.Object), Size: r.Size, Time: int64(t)}
	bps := n.viewerBps

	var firstByte sim.Time // first byte leaves the POP toward the viewer
	pop := &n.pops[p]
	switch {
	case !r.Method.Cacheable() || route.bypass == BypassDynamic:
		// Not cacheable: from the POP straight to the origin, stored nowhere.
		o.Edge, o.Regional = Bypass, Bypass
		o.BypassReason = BypassDynamic
		if !r.Method.Cacheable() {
			o.BypassReason = BypassMethod
		}
		o.Origin = true
		ready, ob := n.originFetch(p, route.origin, t+hopProcessing)
		firstByte = ready
		bps = math.Min(bps, ob)
	case pop.cache.Get(cr) == cache.Hit:
		o.Edge = Hit
		firstByte = t + hopProcessing
	default:
		if f, ok := pop.inflight[r.Object]; ok {
			o.Edge = Collapsed
			firstByte = max(f.ready, t+hopProcessing)
			bps = math.Min(bps, f.bps)
			break
		}
		o.Edge = Miss
		var up float64
		if route.bypass == BypassOrigin {
			o.Regional = Bypass
			o.BypassReason = BypassOrigin
			o.Origin = true
			firstByte, up = n.originFetch(p, route.origin, t+hopProcessing)
		} else {
			at := t + hopProcessing + n.popRTT[p]/2 // the request reaches the regional cache
			regReady, regUp := n.regionalFetch(g, route, r, at)
			firstByte = regReady + n.popRTT[p]/2
			up = math.Min(regUp, n.regionalBps)
		}
		pop.beginFetch(r.Object, fetch{ready: firstByte, size: r.Size, bps: up, expires: firstByte + route.ttl, store: true})
		n.eng.Schedule(firstByte, evFillPOP, uint32(p), r.Object)
		bps = math.Min(bps, up)
	}
	o.TTFB = rttV + (firstByte - t)
	o.TTLB = o.TTFB + transfer(r.Size, bps)
	n.obs.Observe(o)
}

// regionalFetch serves a POP's miss at regional cache g, the request having
// arrived at time at. It returns when the first byte leaves the regional
// cache toward the POP and the bottleneck bandwidth upstream of it.
func (n *Network) regionalFetch(g int, route classRoute, r *workload.Request, at sim.Time) (sim.Time, float64) {
	reg := &n.regions[g]
	o := &n.out
	cr := cache.Request{ID: cache.ObjectID(r.Object), Size: r.Size, Time: int64(at)}
	if reg.cache.Get(cr) == cache.Hit {
		o.Regional = Hit
		return at + hopProcessing, math.Inf(1)
	}
	if f, ok := reg.inflight[r.Object]; ok {
		o.Regional = Collapsed
		return max(f.ready, at+hopProcessing), f.bps
	}
	o.Regional = Miss
	o.Origin = true
	ready, bps := n.originFetch(len(n.pops)+g, route.origin, at+hopProcessing)
	reg.beginFetch(r.Object, fetch{ready: ready, size: r.Size, bps: bps, expires: ready + route.ttl, store: true})
	n.eng.Schedule(ready, evFillRegional, uint32(g), r.Object)
	return ready, bps
}

// originFetch sends a request from node nd (a POP index, or len(POPs)+g
// for regional cache g) to origin oi at time at, and returns when the first
// byte is back at the node, and the origin's rate.
func (n *Network) originFetch(nd, oi int, at sim.Time) (sim.Time, float64) {
	k := nd*len(n.cfg.Origins) + oi
	rtt := n.origRTT[k]
	c := &n.conns[k]
	var handshake sim.Time
	if c.used && at-c.lastUsed <= n.idle {
		n.Stats.ConnectionsReused++
	} else {
		handshake = handshakeRTTs * rtt
		n.Stats.ConnectionsOpened++
		n.Stats.HandshakeTime += handshake
	}
	proc := n.originProc[oi].draw()
	ready := at + handshake + rtt + proc
	c.used = true
	c.lastUsed = max(c.lastUsed, ready)
	return ready, n.originBps[oi]
}

// transfer is the time to stream size bytes at bps bits per second.
func transfer(size int64, bps float64) sim.Time {
	if math.IsInf(bps, 1) || bps <= 0 {
		return 0
	}
	return sim.Time(float64(size) * 8 / bps * float64(sim.Second))
}
