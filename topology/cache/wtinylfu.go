package cache

// wtinylfu is W-TinyLFU (Einziger, Friedman & Manes, 2017; Caffeine's
// policy): new objects enter a small window LRU; when the cache is full the
// window's LRU object competes with the main cache's victim and the one with
// the higher estimated frequency (a count-min sketch with aging) stays. The
// main cache is a segmented LRU, probation 20% and protected 80%.
//
// The details follow libCacheSim's WTinyLFU.c (window 1%, main SLRU with
// seg-size 1:4), where they differ from Caffeine:
//   - every miss enters the window, and the window is not trimmed to its
//     share on insertion: eviction runs only while the new object does not
//     fit. Each eviction step takes the window's LRU object; if main has room
//     it moves there, else it replaces main's victim (probation's LRU, or
//     protected's if probation is empty) when its estimate is strictly
//     higher, else it is evicted. Steps repeat until one object has left the
//     cache; with an empty window main's victim is evicted;
//   - the sketch counts a hit in main, every insertion, and the window
//     candidate of every eviction step; hits in the window are not counted;
//   - an object entering main goes to the first segment with room for it
//     (so a cold cache fills protected directly), else to probation; a hit
//     in probation promotes to protected, whose LRU objects cool down to
//     probation while protected is over its share;
//   - objects larger than the window are not cached.
//
// Differences from libCacheSim: the frequency estimator is the 4-bit
// count-min sketch of the design (Caffeine's), 4 rows of 8 counters per
// cached object, halved every 10 × that many adds; it starts from the
// Config's ObjectsHint, or small, and follows the cached objects as
// Caffeine's does (fitSketch); libCacheSim counts with a
// 32-bit counting Bloom filter halved every 32 × main's capacity hits in
// main. And a Lookup here never evicts; libCacheSim's does when cooling
// leaves probation over its share (the 20/80 shares are rounded separately,
// and in bytes one cooled object can exceed the room). On Zipf traces the
// two agree within 0.006; where popularity decays the 4-bit ceiling and the
// faster aging let newcomers displace old favourites sooner (up to 0.026 in
// miss ratio on our decaying-popularity traces, either direction).
//
// wtinylfu-cbf is libCacheSim's WTinyLFU: the same structure with
// libCacheSim's estimator (countingBloom, sized for main's capacity in the
// cache's unit and halved every 32 × that many hits in main, so in bytes
// practically never) and its probation eviction on a hit, deferred to the
// next admission (a Lookup cannot report victims; the space freed and the
// victim are the same unless probation's tail is hit in between). Its
// filter is sized when the cache first fills (see sizeCBF). Use it to
// reproduce libCacheSim's numbers; use wtinylfu for the design's behaviour
// and memory (16 bytes of sketch per object against 58, and in bytes
// libCacheSim's filter would be sized per byte).
type wtinylfu struct {
	cap, winCap, mainCap int64
	probCap, protCap     int64
	idx                  index
	nodes                []node
	where                []uint8
	win, prob, prot      dlist
	sk                   *sketch
	seed                 uint64
	// wtinylfu-cbf only: the filter, the objects hint it is sized from
	// (0: the cached objects when the cache first fills), and a probation
	// overflow left by a hit, to evict at the next admission.
	cbf        *countingBloom
	cbfObjects int
	coolEvict  bool
}

const (
	// wtlfuWindowRatio is the window's share: Caffeine's initial value and
	// libCacheSim's default (Caffeine then adapts it by hill climbing).
	wtlfuWindowRatio = 0.01
	// wtlfuProbationShare is probation's fifth of main (seg-size 1:4 in
	// libCacheSim, 20/80 in Caffeine).
	wtlfuProbationShare = 0.2
	// wtlfuCBFAging: wtinylfu-cbf halves its filter every this many hits
	// in main per unit of main's capacity (libCacheSim's 32).
	wtlfuCBFAging = 32
	// wtlfuCBFEntriesPerObject caps wtinylfu-cbf's filter, which libCacheSim
	// sizes per unit of main's capacity: per byte in bytes, where it then
	// counts every object ever seen without collisions (and never ages).
	// The filter has to hold the distinct objects since the last halving,
	// not just the cached ones: on a 1M-request decaying-popularity trace
	// (96k objects) with the cache at 1% of the working set, entries for 4×
	// the expected cached objects leave the miss ratio 0.010 off
	// libCacheSim's, 16× 0.004, 32× 0.002. 32 entries are ~1.8 KB per
	// expected object; in objects main's capacity is the smaller bound.
	// The filter doubles when the cached objects reach twice what it was
	// sized for.
	wtlfuCBFEntriesPerObject = 32
	// wtlfuCBFMinEntries: every filter, once its cache has filled, may size
	// for this many entries (3.8 MB): in bytes libCacheSim's filter has
	// one entry per byte of main, and a smaller one collides more than the
	// agreement rows allow (in objects main's capacity bounds it anyway).
	wtlfuCBFMinEntries = 1 << 16
	// wtlfuCBFMaxEntries bounds a filter at 15 MB, so that a scenario's
	// dozens of GB-sized caches fit in memory (news-spike with
	// wtinylfu-cbf everywhere: 55 filters, 0.8 GB). Object-count caches
	// with more main slots than this get a smaller filter than libCacheSim.
	wtlfuCBFMaxEntries = 1 << 18
)

const (
	wWindow uint8 = iota + 1
	wProbation
	wProtected
)

func init() {
	registerPolicy("wtinylfu", func(c Config) Policy { return newWTinyLFU(c.Capacity, c.hint(), c.Seed) })
	registerPolicy("wtinylfu-cbf", func(c Config) Policy { return newWTinyLFUCBF(c.Capacity, c.hint(), c.Seed) })
}

// newWTinyLFU starts its sketch for objects cached objects (0: no
// estimate, sketchMinObjects); it widens as the cache fills.
func newWTinyLFU(capacity int64, objects int, seed uint64) *wtinylfu {
	c := newWTinyLFUSegments(capacity, seed)
	if objects <= 0 {
		objects = sketchMinObjects
	}
	c.sk = sketchFor(objects, seed)
	return c
}

// newWTinyLFUSegments is a W-TinyLFU without its frequency estimator.
func newWTinyLFUSegments(capacity int64, seed uint64) *wtinylfu {
	win := max(int64(float64(capacity)*wtlfuWindowRatio), 1) // at least one object, so tiny caches work
	main := capacity - win
	return &wtinylfu{
		cap: capacity, winCap: win, mainCap: main,
		probCap: int64(float64(main) * wtlfuProbationShare), protCap: int64(float64(main) * (1 - wtlfuProbationShare)),
		win: newDlist(), prob: newDlist(), prot: newDlist(), seed: seed,
	}
}

// newWTinyLFUCBF is wtinylfu with libCacheSim's estimator and probation
// eviction on a hit. The filter's size waits for the cache to fill (see
// sizeCBF): objects is the hint it will be sized from, 0 for none.
func newWTinyLFUCBF(capacity int64, objects int, seed uint64) *wtinylfu {
	c := newWTinyLFUSegments(capacity, seed)
	c.cbf = newUnsizedCountingBloom(satMul(wtlfuCBFAging, c.mainCap))
	c.cbfObjects = max(objects, 0)
	return c
}

// sizeCBF sizes wtinylfu-cbf's filter for main's capacity in the cache's
// unit (libCacheSim's sizing), capped at wtlfuCBFEntriesPerObject × the
// objects but not below wtlfuCBFMinEntries (in bytes main's capacity would
// mean a counter array 58× the cache), and never above wtlfuCBFMaxEntries.
// The objects are the hint, else those cached now.
//
// It runs at the first eviction, when the cache is full and the objects
// it holds are known. The counts are those of a filter sized up front:
// until then the filter is only added to (it is read, and halved, only
// once main is full, which takes evictions), and the adds it waited
// through are replayed. In objects the size is libCacheSim's either way,
// since the cached objects then number main's capacity or more.
func (c *wtinylfu) sizeCBF() {
	n := int64(c.cbfObjects)
	if n == 0 {
		n = int64(c.Len())
	}
	c.cbf.size(min(c.mainCap, max(min(wtlfuCBFEntriesPerObject*n, wtlfuCBFMaxEntries), wtlfuCBFMinEntries)))
}

// growCBF keeps wtinylfu-cbf's filter in step with the cached objects once
// it is sized: it doubles (keeping every key's counts, see
// countingBloom.double) when they number twice what it holds entries for,
// up to the size the cache's capacity allows. A cache that has not filled
// yet sizes its filter early if invalidations made the adds it waits
// through far outnumber its objects.
func (c *wtinylfu) growCBF() {
	f := c.cbf
	n := int64(c.Len())
	if !f.sized() {
		if int64(len(f.pending)) > 4*n+4096 {
			c.sizeCBF()
		}
		return
	}
	// A filter sized for 0 entries (main has no room: a cache of one
	// object) stays as it is; doubling 0 entries would never stop.
	if f.entries > 0 && wtlfuCBFEntriesPerObject*n >= 2*f.entries && 2*f.entries <= min(c.mainCap, wtlfuCBFMaxEntries) {
		f.double()
	}
}

// count records an access to id in the frequency estimator.
func (c *wtinylfu) count(id ObjectID) {
	if c.cbf != nil {
		c.cbf.add(id)
		return
	}
	c.sk.add(id)
}

// candidateFreq is freq for the window candidate, whose sketch hash
// evict already has.
func (c *wtinylfu) candidateFreq(id ObjectID, h uint64) uint32 {
	if c.cbf != nil {
		return c.cbf.estimate(id)
	}
	return uint32(c.sk.estimateHash(h))
}

// freq is id's estimated frequency.
func (c *wtinylfu) freq(id ObjectID) uint32 {
	if c.cbf != nil {
		return c.cbf.estimate(id)
	}
	return uint32(c.sk.estimate(id))
}

func (c *wtinylfu) Name() string {
	if c.cbf != nil {
		return "wtinylfu-cbf"
	}
	return "wtinylfu"
}

func (c *wtinylfu) Used() int64     { return c.win.bytes + c.prob.bytes + c.prot.bytes }
func (c *wtinylfu) Capacity() int64 { return c.cap }
func (c *wtinylfu) Len() int        { return c.win.n + c.prob.n + c.prot.n }

func (c *wtinylfu) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }

func (c *wtinylfu) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	switch c.where[e] {
	case wWindow:
		c.win.moveToFront(c.nodes, e)
		return true
	case wProtected:
		c.prot.moveToFront(c.nodes, e)
	case wProbation:
		c.prob.unlink(c.nodes, e)
		c.prot.pushFront(c.nodes, e)
		c.where[e] = wProtected
		for c.prot.bytes > c.protCap {
			t := c.prot.tail
			c.prot.unlink(c.nodes, t)
			c.prob.pushFront(c.nodes, t)
			c.where[t] = wProbation
			// libCacheSim evicts when a demotion leaves probation over
			// its share (and only then: an insertion may overfill it).
			c.coolEvict = c.coolEvict || (c.cbf != nil && c.prob.bytes > c.probCap)
		}
	}
	c.count(r.ID)
	if c.cbf != nil {
		c.cbf.tick()
	}
	return true
}

func (c *wtinylfu) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.winCap {
		return victims, false
	}
	if c.coolEvict { // wtinylfu-cbf: the eviction a probation hit left
		c.coolEvict = false
		for c.prob.bytes > c.probCap && c.prob.n > 0 {
			victims = c.drop(victims, c.prob.tail)
		}
	}
	for r.Size > c.cap-c.Used() {
		victims = c.evict(victims)
	}
	if c.sk != nil {
		c.sk = fitSketch(c.sk, c.Len()+1, c.seed)
	}
	e := c.idx.insert(r.ID)
	if int(e) == len(c.nodes) {
		c.nodes = append(c.nodes, node{})
		c.where = append(c.where, 0)
	}
	c.nodes[e] = node{size: r.Size}
	c.where[e] = wWindow
	c.win.pushFront(c.nodes, e)
	c.count(r.ID)
	if c.cbf != nil {
		c.growCBF()
	}
	return victims, true
}

// evict is one call of libCacheSim's WTinyLFU_evict: it moves window
// candidates into main until one object leaves the cache.
func (c *wtinylfu) evict(victims []ObjectID) []ObjectID {
	if c.cbf != nil && !c.cbf.sized() {
		c.sizeCBF()
	}
	for c.win.n > 0 {
		w := c.win.tail
		wid := c.idx.id(w)
		var wh uint64 // the sketch's hash of wid: estimated, then counted
		if c.cbf == nil {
			wh = c.sk.hash(wid)
		}
		done := false
		if c.nodes[w].size <= c.mainCap-c.mainBytes() {
			c.toMain(w)
		} else if m := c.mainVictim(); m >= 0 && c.nodes[w].size <= c.mainCap &&
			c.candidateFreq(wid, wh) > c.freq(c.idx.id(m)) {
			victims = c.drop(victims, m)
			for c.nodes[w].size > c.mainCap-c.mainBytes() { // bytes: one victim may not be enough
				victims = c.drop(victims, c.mainVictim())
			}
			c.toMain(w)
		} else {
			victims = c.drop(victims, w)
			done = true
		}
		if c.cbf != nil {
			c.cbf.add(wid)
		} else {
			c.sk.addHash(wh)
		}
		if done {
			return victims
		}
	}
	return c.drop(victims, c.mainVictim())
}

func (c *wtinylfu) mainBytes() int64 { return c.prob.bytes + c.prot.bytes }

// mainVictim is probation's LRU, else protected's; -1 when main is empty.
func (c *wtinylfu) mainVictim() int32 {
	if c.prob.n > 0 {
		return c.prob.tail
	}
	return c.prot.tail
}

// toMain moves window entry e into the first main segment with room for it,
// else into probation (libCacheSim's SLRU_insert).
func (c *wtinylfu) toMain(e int32) {
	c.win.unlink(c.nodes, e)
	sz := c.nodes[e].size
	if sz > c.probCap-c.prob.bytes && sz <= c.protCap-c.prot.bytes {
		c.where[e] = wProtected
		c.prot.pushFront(c.nodes, e)
		return
	}
	c.where[e] = wProbation
	c.prob.pushFront(c.nodes, e)
}

// drop evicts entry e from whichever list holds it.
func (c *wtinylfu) drop(victims []ObjectID, e int32) []ObjectID {
	c.list(c.where[e]).unlink(c.nodes, e)
	id := c.idx.id(e)
	c.idx.remove(id)
	return append(victims, id)
}

func (c *wtinylfu) list(w uint8) *dlist {
	switch w {
	case wWindow:
		return &c.win
	case wProbation:
		return &c.prob
	}
	return &c.prot
}

func (c *wtinylfu) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.list(c.where[e]).unlink(c.nodes, e)
	c.idx.remove(id)
	return true
}

// state renders "w:...|pb:...|pt:...": window, probation, protected, most
// recent first (theine's window:probation:protected).
func (c *wtinylfu) state() string {
	return "w:" + listState(&c.idx, c.nodes, c.win) + "|pb:" + listState(&c.idx, c.nodes, c.prob) +
		"|pt:" + listState(&c.idx, c.nodes, c.prot)
}

func (c *wtinylfu) memBytes() int64 {
	m := c.idx.bytes() + int64(cap(c.nodes))*nodeBytes + int64(cap(c.where))
	if c.cbf != nil {
		return m + c.cbf.bytes()
	}
	return m + c.sk.bytes()
}
