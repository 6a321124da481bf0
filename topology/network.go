package topology

import (
	"fmt"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// Event kinds the network schedules on the engine.
const (
	evFillPOP      uint32 = iota // an object's first byte reaches a POP: admit it
	evFillRegional               // an object's first byte reaches a regional cache
	evInvalidate                 // an invalidation has propagated: Arg indexes Config.Invalidations
)

// Stats are the network's own counters (the recorder sees outcomes).
type Stats struct {
	ConnectionsOpened, ConnectionsReused int64
	HandshakeTime                        sim.Time
	InvalidationPaths                    int64 // paths submitted
	InvalidatedObjects                   int64 // cached copies removed, summed over caches
	OriginFailures                       int64 // connection attempts during outages
	ResponseTimeouts                     int64 // attempts with no first byte within the origin response timeout
	Failovers                            int64 // origin fetches an origin group sent on to its secondary
	Retries                              int64 // attempts after a failed one (connection attempts)
	OriginQueueTime                      sim.Time
	Revalidations                        int64 // conditional requests sent upstream for stale copies
	NotModified                          int64 // 304 answers to them
	BytesSaved                           int64 // bodies not transferred thanks to 304s
	DeadPOPRequests                      int64 // requests DNS sent to a POP that was down
	// SteeredAnswers counts DNS answers that passed over a nearer POP
	// whose egress was above its capacity.
	SteeredAnswers int64
	// Flows counts, where the path sends them, the requests and the body
	// bytes that came back over each Flow; the Outcomes say the same per
	// request, which the tests check against these.
	Flows [NumFlows]FlowCount
}

// FlowCount is the traffic over one Flow.
type FlowCount struct {
	Requests int64
	Bytes    int64 // body bytes of the responses
}

// Network is the CDN model: it consumes a workload.Source on a sim.Engine
// and emits one Outcome per request to its Observer.
type Network struct {
	cfg       Config
	eng       *sim.Engine
	src       workload.Source
	obs       Observer
	pops      []cacheNode
	regions   []cacheNode
	popRegion []uint16
	viewRTT   []sim.Time // metro*len(POPs)+POP → RTT
	dnsState  resolvers
	popRTT    []sim.Time // POP → its region's RTT
	regionRTT []sim.Time // region*len(regions)+region → RTT (to shields)
	// origRTT and pools are indexed by node*len(origins)+origin, where nodes
	// are the POPs then the regional caches: both tiers fetch from origins.
	origRTT                []sim.Time
	pools                  []pool
	origins                []originState
	fillKind               [NumTiers]uint32
	errorTTL               errorTTLs
	connectTimeout         sim.Time
	errSalt                uint64 // salts the origin error draws (errorDraw)
	routes                 []classRoute
	viewerBps, regionalBps float64
	idle                   sim.Time
	viewers                viewerModel

	// objClass remembers each object's class (+1; 0 = never seen) so an
	// invalidation can rebuild a cached object's path. Only a run with
	// invalidations (Config.Invalidations) keeps it: at CloudFront scale it
	// is tens of megabytes written at random, a cache and TLB miss a
	// request, for nothing.
	invalidations bool
	objClass      []uint8
	objClassMap   map[uint64]uint8
	keys          []cache.ObjectID // scratch for invalidations
	pathBuf       []byte           // scratch: a cached object's path

	// key is the cache ID of the request on the path: its object, or the
	// variant's (keys.go) or a part's (ranges.go); vreq is the request as
	// the caches see a variant; originSize is the body the origin sends
	// for it. Every cached copy keeps the object its key stands for
	// (cache.Meta.Owner), for invalidations.
	key        uint64
	vreq       workload.Request
	originSize int64

	// chunk is Config.ChunkSize (ranges.go); originTrips
	// counts trips to the origin, so a request served in parts knows how
	// many of its parts went there.
	chunk       int64
	originTrips int64
	// ghost is set while a ghost request (workload.Request.Ghost) is on
	// the path; ghostConn is the connection its origin fetches use,
	// outside every pool. w is what the request on the path counts for in
	// Stats (its class's Weight, or the request's own).
	ghost     bool
	ghostConn poolConn
	w         int64
	// unit is the largest class Weight: what a request that is not a
	// ghost counts for in the connections' and queue's Stats.
	unit int64
	// object is the viewer's object of the request on the path: an origin
	// error is drawn for it, whichever part of it is fetched.
	object uint64

	// ahead holds the next requests from the source, read ahead so that
	// their cache lookups can be prepared (see warm.go): ahead[head] is the
	// next arrival, and queued of them, in order, follow from there.
	ahead   [lookahead]workload.Request
	plans   [lookahead]warmPlan // ahead[i]'s read-ahead plan (warm.go)
	head    int
	queued  int
	in      batch // the source's requests, read a batch at a time
	started bool  // Run has scheduled the first arrival and the invalidations
	out     Outcome
	Stats   Stats
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
		n.regions = append(n.regions, newNode(c))
	}
	for i, p := range cfg.POPs {
		c, err := newCache(p.Cache, cfg.Seed, "pop/"+p.Name)
		if err != nil {
			return nil, ferr(fmt.Sprintf("pops.sites[%d]", i), "%v", err)
		}
		n.pops = append(n.pops, newNode(c))
		g := regionIdx[p.Region]
		n.popRegion = append(n.popRegion, uint16(g))
		r := cfg.Regions[g]
		n.popRTT = append(n.popRTT, lat.between(p.Name, p.Lat, p.Lon, r.Name, r.Lat, r.Lon))
	}
	for _, m := range cfg.Metros {
		for _, p := range cfg.POPs {
			n.viewRTT = append(n.viewRTT, lat.between(m.Name, m.Lat, m.Lon, p.Name, p.Lat, p.Lon))
		}
	}
	n.initDNS(&cfg, lat)
	for _, p := range cfg.POPs {
		for _, o := range cfg.Origins {
			n.origRTT = append(n.origRTT, lat.between(p.Name, p.Lat, p.Lon, o.Name, o.Lat, o.Lon))
		}
	}
	for _, r := range cfg.Regions {
		for _, o := range cfg.Origins {
			n.origRTT = append(n.origRTT, lat.between(r.Name, r.Lat, r.Lon, o.Name, o.Lat, o.Lon))
		}
	}
	for _, a := range cfg.Regions {
		for _, b := range cfg.Regions {
			n.regionRTT = append(n.regionRTT, lat.between(a.Name, a.Lat, a.Lon, b.Name, b.Lat, b.Lon))
		}
	}
	n.pools = make([]pool, len(n.origRTT))
	// The shield is its region's regional cache: its fills are regional.
	n.fillKind = [NumTiers]uint32{evFillPOP, evFillRegional, evFillRegional}
	n.errorTTL = newErrorTTLs(cfg.ErrorTTL, cfg.ErrorTTLs)
	n.errSalt = sim.NewRand(cfg.Seed, "origin-missing").Uint64()
	n.connectTimeout = orDur(cfg.ConnectTimeout, defaultConnectTimeout)
	for _, o := range cfg.Origins {
		n.origins = append(n.origins, newOrigin(o, cfg.Seed, n.connectTimeout))
	}
	n.routes = classRoutes(&cfg, regionIdx)
	n.unit, n.w = 1, 1
	for i := range n.routes {
		n.unit = max(n.unit, n.routes[i].weight)
	}
	n.viewers = newViewerModel(cfg.Viewers, cfg.Seed)
	n.chunk = cfg.ChunkSize
	n.invalidations = len(cfg.Invalidations) > 0
	return n, nil
}

func orDur(d, def time.Duration) sim.Time {
	if d == 0 {
		d = def
	}
	return sim.Duration(d)
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

// between is the modelled RTT between two named places, or the
// configured link's.
func (l Latency) between(a string, alat, alon float64, b string, blat, blon float64) sim.Time {
	for _, lk := range l.Links {
		if (lk.From == a && lk.To == b) || (lk.From == b && lk.To == a) {
			return sim.Duration(lk.RTT)
		}
	}
	return l.RTT(alat, alon, blat, blon)
}

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
		for n.queued < lookahead && n.read(n.queued) {
			n.queued++
		}
		n.eng.SetFeed(n)
	}
	if step <= 0 {
		step = until
	}
	for t := n.eng.Now(); t < until && (n.queued > 0 || n.eng.Pending() > 0); {
		t += step
		if t > until {
			t = until
		}
		n.eng.Run(t)
		n.forgetErrors(t)
		if progress != nil {
			progress(t)
		}
	}
}

// forgetErrors drops the cached error responses that ran out by now: a
// lookup treats them as gone already (serve), so dropping them changes
// nothing but the size of the tables, which otherwise kept every error
// response of the run.
func (n *Network) forgetErrors(now sim.Time) {
	for _, group := range [][]cacheNode{n.pops, n.regions} {
		for i := range group {
			group[i].errors.keep(func(_ uint64, ce *cachedError) bool { return ce.until > now })
		}
	}
}

// Next is the arrival time of the next viewer request (sim.Feed).
func (n *Network) Next() (sim.Time, bool) {
	return n.ahead[n.head&aheadMask].Time, n.queued > 0
}

// Fire serves the next viewer request and reads one more ahead (sim.Feed).
func (n *Network) Fire(at sim.Time) {
	n.warmAhead()
	n.arrive(at, &n.ahead[n.head&aheadMask])
	// The served request's place goes to the one lookahead-1 after the
	// next.
	if !n.read(n.head) {
		n.queued--
	}
	n.head = (n.head + 1) & aheadMask
}

// read takes the source's next request into ahead[i], if it has one, and
// plans its read-ahead.
func (n *Network) read(i int) bool {
	i &= aheadMask
	if !n.in.take(n.src, &n.ahead[i]) {
		return false
	}
	n.plan(&n.plans[i], &n.ahead[i])
	return true
}

// Handle dispatches an engine event.
func (n *Network) Handle(e sim.Event) {
	switch e.Kind {
	case evFillPOP:
		n.fill(&n.pops[e.Node], e.Arg, e.At)
	case evFillRegional:
		n.fill(&n.regions[e.Node], e.Arg, e.At)
	case evInvalidate:
		n.invalidate(n.cfg.Invalidations[e.Arg])
	}
}

// connWeight is what the request on the path counts for in the origin
// connections' and queue's Stats: the unit, as one of the sample's
// requests, or nothing for a ghost, which takes no connection and no
// place in the queue (workload.Request.Ghost).
func (n *Network) connWeight() int64 {
	if n.ghost {
		return 0
	}
	return n.unit
}
