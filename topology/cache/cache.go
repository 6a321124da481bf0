package cache

// Status is what a Cache lookup found.
type Status uint8

// Lookup results.
const (
	Miss  Status = iota // not cached
	Hit                 // cached and fresh
	Stale               // cached but past its expiry: revalidate or refetch
)

func (s Status) String() string {
	switch s {
	case Hit:
		return "hit"
	case Stale:
		return "stale"
	}
	return "miss"
}

// Admission decides whether a missed object enters the cache at all.
type Admission interface {
	// Name is the admission policy's registry name, e.g. "second-hit".
	Name() string
	// Record sees every request to the cache, hit or miss, before any Admit.
	Record(r Request)
	// Admit reports whether r should be inserted into p. It may inspect p
	// (tinylfu compares r with p's next victim when p is a Victimer).
	Admit(r Request, p Policy) bool
}

// Victimer is implemented by policies that can name their next eviction
// candidate without evicting it.
type Victimer interface {
	Victim() (ObjectID, bool)
}

// Cache is a Policy plus admission, TTL expiry and explicit removal: what a
// POP or regional edge cache holds. Expiry times are in the same unit as
// Request.Time; an expiry of 0 means the object never goes stale.
type Cache struct {
	policy     Policy
	admission  Admission
	records    bool // admission is not alwaysAdmit: Record must see every request
	ignoreSize bool

	// Freshness state, only kept when withTTL: in the records of the
	// policy's own index when it exposes one (the built-in policies do),
	// beside each entry's ID, so the expiry check reads the cache line the
	// policy's lookup just read; else in meta, indexed by the entry
	// numbers of expIdx, a private index.
	withTTL bool
	ix      *index      // the policy's index, or nil
	fast    entryLookup // the policy, when it reports entry numbers and TTLs are kept
	expIdx  index
	meta    []Meta // by expIdx's entry numbers, when ix is nil

	victims []ObjectID // scratch for Admit; reused so Put allocates nothing
	warm    warmer     // the policy, if it prefetches for Warm

	// Counters, updated by Get and Put.
	Hits, StaleHits, Misses, Admitted, Rejected, Evicted int64
}

// Options configures a Cache.
type Options struct {
	// IgnoreSize makes every object weigh 1, so capacities count objects.
	IgnoreSize bool
	// TTL enables expiry tracking; without it Get never returns Stale and
	// Put ignores expiry (trace replay has no notion of freshness).
	TTL bool
}

// New wraps p with admission a (nil means always admit).
func New(p Policy, a Admission, o Options) *Cache {
	if a == nil {
		a = alwaysAdmit{}
	}
	_, always := a.(alwaysAdmit)
	c := &Cache{policy: p, admission: a, records: !always, ignoreSize: o.IgnoreSize, withTTL: o.TTL}
	c.warm, _ = p.(warmer)
	if ip, ok := p.(indexed); ok {
		c.ix = ip.entries()
		if o.TTL {
			c.ix.withMeta()
			if el, ok := p.(entryLookup); ok {
				c.fast = el
			}
		}
	}
	return c
}

// indexed is implemented by policies whose cached objects are all in one
// index (ghost entries may be there too: the Cache only reads the expiry of
// objects the policy says are cached, and sets it whenever one is stored).
type indexed interface{ entries() *index }

// Policy returns the eviction policy.
func (c *Cache) Policy() Policy { return c.policy }

// Admission returns the admission policy.
func (c *Cache) Admission() Admission { return c.admission }

func (c *Cache) weigh(r Request) Request {
	if c.ignoreSize {
		r.Size = 1
	}
	return r
}

// Get looks r up at time r.Time, updating the policy's state for the access.
func (c *Cache) Get(r Request) Status {
	st, _ := c.GetMeta(r)
	return st
}

// GetMeta is Get that also returns the object's freshness metadata (zero on
// a miss), from the same lookup: the simulator needs a stale copy's version
// and expiry, and a second lookup costs a trip to memory.
func (c *Cache) GetMeta(r Request) (Status, Meta) {
	r = c.weigh(r)
	if c.records {
		c.admission.Record(r)
	}
	var m Meta
	if c.fast != nil {
		e := c.fast.lookupEntry(r)
		if e < 0 {
			c.Misses++
			return Miss, Meta{}
		}
		m = c.ix.meta(e)
	} else {
		if !c.policy.Lookup(r) {
			c.Misses++
			return Miss, Meta{}
		}
		if c.withTTL {
			m = c.metaOf(r.ID)
		}
	}
	if m.Expires != 0 && r.Time >= m.Expires {
		c.StaleHits++
		return Stale, m
	}
	c.Hits++
	return Hit, m
}

// entryLookup is implemented by policies whose Lookup can also report the
// hit's entry number in their index (-1 on a miss).
type entryLookup interface {
	lookupEntry(r Request) int32
}

// Meta is what a Cache keeps beside each object for HTTP freshness.
type Meta struct {
	Expires int64 // when the copy goes stale (0: never)
	Born    int64 // when the origin produced this version (for revalidation)
	// Owner is what the caller's ID stands for, kept for it: the network
	// stores the viewer's object under the IDs of its variants and parts,
	// so that an invalidation can find a cached ID's URL. The cache never
	// reads it.
	Owner uint64
}

// Put stores r after a fill, if admission accepts it, with the given expiry
// (0: never stale), born at r.Time. If the object is already cached (a stale
// copy being refetched, or two fills racing) only its metadata is updated.
// It reports whether the object is cached afterwards.
func (c *Cache) Put(r Request, expires int64) bool {
	return c.PutMeta(r, Meta{Expires: expires, Born: r.Time})
}

// PutMeta is Put with the copy's metadata given in full: a copy filled from
// another cache keeps the Born time of the origin's version.
func (c *Cache) PutMeta(r Request, m Meta) bool {
	r = c.weigh(r)
	if c.policy.Contains(r.ID) {
		c.setMeta(r.ID, m)
		return true
	}
	if !c.admit(r) {
		return false
	}
	if c.withTTL && c.ix != nil {
		// Admitted, so in the policy's index: most often as its latest
		// insert, which spares setMeta's lookup.
		if e := c.ix.lastOf(r.ID); e >= 0 {
			c.setMetaAt(e, m)
			return true
		}
	}
	c.setMeta(r.ID, m)
	return true
}

// admit offers r, which is not cached, to admission and then the policy,
// and reports whether it is cached afterwards.
func (c *Cache) admit(r Request) bool {
	if !c.admission.Admit(r, c.policy) {
		c.Rejected++
		return false
	}
	var ok bool
	c.victims, ok = c.policy.Admit(r, c.victims[:0])
	for _, v := range c.victims {
		c.dropMeta(v)
	}
	c.Evicted += int64(len(c.victims))
	if !ok {
		c.Rejected++
		return false
	}
	c.Admitted++
	return true
}

// Access serves r as one request of a trace replay: Get, and on a miss
// Put at once with no expiry, as libCacheSim's cachesim serves a request.
// It returns what Get found. Without TTLs it does no more than that takes:
// a Lookup that missed leaves the object uncached (Policy's contract), so
// the miss goes to admission without Put's second lookup.
func (c *Cache) Access(r Request) Status {
	if c.withTTL {
		st := c.Get(r)
		if st == Miss {
			c.Put(r, 0)
		}
		return st
	}
	r = c.weigh(r)
	if c.records {
		c.admission.Record(r)
	}
	if c.policy.Lookup(r) {
		c.Hits++
		return Hit
	}
	c.Misses++
	c.admit(r)
	return Miss
}

// Refresh sets a cached object's expiry, keeping its version (a 304 from
// upstream); false if absent.
func (c *Cache) Refresh(id ObjectID, expires int64) bool {
	if !c.policy.Contains(id) {
		return false
	}
	m := c.metaOf(id)
	m.Expires = expires
	c.setMeta(id, m)
	return true
}

// Remove drops id (an invalidation); false if it was not cached.
func (c *Cache) Remove(id ObjectID) bool {
	c.dropMeta(id)
	return c.policy.Remove(id)
}

// Contains reports whether id is cached, fresh or stale, without touching state.
func (c *Cache) Contains(id ObjectID) bool { return c.policy.Contains(id) }

// Used, Capacity and Len report the policy's occupancy.
func (c *Cache) Used() int64     { return c.policy.Used() }
func (c *Cache) Capacity() int64 { return c.policy.Capacity() }
func (c *Cache) Len() int        { return c.policy.Len() }

// Expires is a cached object's expiry time (0: never stale, or not cached).
func (c *Cache) Expires(id ObjectID) int64 { return c.expiry(id) }

// Meta returns a cached object's freshness metadata (zero if not cached or
// the Cache keeps no TTLs).
func (c *Cache) Meta(id ObjectID) Meta {
	if !c.policy.Contains(id) {
		return Meta{}
	}
	return c.metaOf(id)
}

// expiry is a cached object's expiry time (0: never stale).
func (c *Cache) expiry(id ObjectID) int64 { return c.metaOf(id).Expires }

func (c *Cache) metaOf(id ObjectID) Meta {
	if c.ix != nil {
		if e := c.ix.get(id); e >= 0 && c.withTTL {
			return c.ix.meta(e)
		}
		return Meta{}
	}
	if e := c.expIdx.get(id); e >= 0 {
		return c.meta[e]
	}
	return Meta{}
}

func (c *Cache) setMeta(id ObjectID, m Meta) {
	if !c.withTTL {
		return
	}
	if c.ix != nil {
		e := c.ix.get(id)
		if e < 0 {
			panic("cache: metadata set for an object its policy does not hold")
		}
		c.setMetaAt(e, m)
		return
	}
	e := c.expIdx.get(id)
	if e < 0 {
		if m == (Meta{}) {
			return
		}
		e = c.expIdx.insert(id)
		if int(e) == len(c.meta) {
			c.meta = appendDoubling(c.meta, Meta{})
		}
	}
	c.meta[e] = m
}

// setMetaAt stores m for entry e of the policy's index.
func (c *Cache) setMetaAt(e int32, m Meta) { c.ix.setMeta(e, m) }

func (c *Cache) dropMeta(id ObjectID) {
	if c.withTTL && c.ix == nil {
		c.expIdx.remove(id)
	}
}

// Keys appends the IDs of every cached object (fresh or stale) to dst, in
// no particular order, for invalidation by pattern. It needs the policy's
// index (every built-in policy has one) and reports false without one.
func (c *Cache) Keys(dst []ObjectID) ([]ObjectID, bool) {
	if c.ix == nil {
		return dst, false
	}
	for _, s := range c.ix.slots {
		if s == 0 {
			continue
		}
		// The index may hold ghost entries (ARC's B1/B2, 2Q's A1out):
		// only what the policy holds counts.
		if id := c.ix.id(int32(uint32(s)) - 1); c.policy.Contains(id) {
			dst = append(dst, id)
		}
	}
	return dst, true
}
