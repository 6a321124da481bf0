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
// Differences: the sketch is 4-bit (saturating at 15), 4 rows, halved
// every 10 × its width adds (libCacheSim: 32-bit counting Bloom filter
// halved every 32 × main-size main hits). libCacheSim evicts probation's
// LRU during a hit when cooling leaves probation over its share (possible
// when the shares do not add up to main, and in bytes); a Lookup here never
// evicts, so probation may run over its share until the next admission.
type wtinylfu struct {
	cap, winCap, mainCap int64
	probCap, protCap     int64
	idx                  index
	nodes                []node
	where                []uint8
	win, prob, prot      dlist
	sk                   *sketch
	seed                 uint64
}

const (
	// wtlfuWindowRatio is the window's share: Caffeine's initial value and
	// libCacheSim's default (Caffeine then adapts it by hill climbing).
	wtlfuWindowRatio = 0.01
	// wtlfuProbationShare is probation's fifth of main (seg-size 1:4 in
	// libCacheSim, 20/80 in Caffeine).
	wtlfuProbationShare = 0.2
	// wtlfuAgingFactor: halve the sketch after this many adds per cached
	// object, Caffeine's sample size of 10 × the maximum size.
	wtlfuAgingFactor = 10
	// wtlfuSketchWidth is counters per row per cached object. Measured
	// against libCacheSim's cachesim on Zipf(0.8), 200k objects, 2000-object
	// cache: 1× gives a miss ratio 0.0095 above libCacheSim's (whose Bloom
	// filter has 14 counters per object), 8× 0.002 above, 16× no better.
	// 8 counters × 4 bits × 4 rows = 16 bytes per cached object.
	wtlfuSketchWidth = 8
)

const (
	wWindow uint8 = iota + 1
	wProbation
	wProtected
)

func init() {
	registerPolicy("wtinylfu", func(c Config) Policy { return newWTinyLFU(c.Capacity, c.objects(), c.Seed) })
}

func newWTinyLFU(capacity int64, objects int, seed uint64) *wtinylfu {
	win := max(int64(float64(capacity)*wtlfuWindowRatio), 1) // at least one object, so tiny caches work
	main := capacity - win
	c := &wtinylfu{
		cap: capacity, winCap: win, mainCap: main,
		probCap: int64(float64(main) * wtlfuProbationShare), protCap: int64(float64(main) * (1 - wtlfuProbationShare)),
		win: newDlist(), prob: newDlist(), prot: newDlist(), seed: seed,
	}
	c.sk = newSketch(wtlfuSketchWidth*objects, wtlfuAgingFactor*int64(objects), seed)
	return c
}

func (c *wtinylfu) Name() string    { return "wtinylfu" }
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
		}
	}
	c.sk.add(r.ID)
	return true
}

func (c *wtinylfu) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.winCap {
		return victims, false
	}
	for c.Used()+r.Size > c.cap {
		victims = c.evict(victims)
	}
	// The sketch is sized for the objects the cache holds; when a byte
	// capacity's estimate proves low, start a wider one (Caffeine resizes on
	// growth too, dropping the counts).
	if n := c.Len() + 1; uint64(wtlfuSketchWidth*n) > c.sk.width {
		c.sk = newSketch(wtlfuSketchWidth*2*n, wtlfuAgingFactor*2*int64(n), c.seed)
	}
	e := c.idx.insert(r.ID)
	if int(e) == len(c.nodes) {
		c.nodes = append(c.nodes, node{})
		c.where = append(c.where, 0)
	}
	c.nodes[e] = node{size: r.Size}
	c.where[e] = wWindow
	c.win.pushFront(c.nodes, e)
	c.sk.add(r.ID)
	return victims, true
}

// evict is one call of libCacheSim's WTinyLFU_evict: it moves window
// candidates into main until one object leaves the cache.
func (c *wtinylfu) evict(victims []ObjectID) []ObjectID {
	for c.win.n > 0 {
		w := c.win.tail
		wh := c.sk.hash(c.idx.ids[w]) // estimated, then counted: hash once
		done := false
		if c.mainBytes()+c.nodes[w].size <= c.mainCap {
			c.toMain(w)
		} else if m := c.mainVictim(); m >= 0 && c.nodes[w].size <= c.mainCap &&
			c.sk.estimateHash(wh) > c.sk.estimate(c.idx.ids[m]) {
			victims = c.drop(victims, m)
			for c.mainBytes()+c.nodes[w].size > c.mainCap { // bytes: one victim may not be enough
				victims = c.drop(victims, c.mainVictim())
			}
			c.toMain(w)
		} else {
			victims = c.drop(victims, w)
			done = true
		}
		c.sk.addHash(wh)
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
	if c.prob.bytes+sz > c.probCap && c.prot.bytes+sz <= c.protCap {
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
	id := c.idx.ids[e]
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
	return c.idx.bytes() + int64(cap(c.nodes))*16 + int64(cap(c.where)) + c.sk.bytes()
}
