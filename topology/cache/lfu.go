package cache

import (
	"fmt"
	"strings"
)

// lfu evicts the least frequently used object, the least recent among the
// least frequent first. It is in-cache LFU like libCacheSim's LFU: an object
// enters with frequency 1, each hit adds 1, and the count is forgotten when
// the object leaves (no ghost history).
//
// Frequencies live in O(1) buckets: a list of buckets in increasing
// frequency, each holding a dlist of its objects, newest arrival at the head.
// A hit moves the object to the head of the next bucket, so within a bucket
// the tail is the object least recently accessed (libCacheSim appends to the
// tail of a frequency node and evicts its first object: the same order).
type lfu struct {
	cap     int64
	idx     index
	nodes   []node
	bkt     []int32  // bucket of each entry
	buckets []bucket // arena; links below are indexes into it
	free    []int32  // released buckets
	low     int32    // the lowest-frequency bucket, -1 when empty
	n       int
	used    int64
}

// bucket is one frequency class.
type bucket struct {
	freq       int64
	list       dlist // head = most recent arrival
	prev, next int32 // neighbouring buckets in increasing frequency
}

func init() { registerPolicy("lfu", func(c Config) Policy { return newLFU(c.Capacity) }) }

func newLFU(capacity int64) *lfu { return &lfu{cap: capacity, low: -1} }

func (c *lfu) Name() string              { return "lfu" }
func (c *lfu) Used() int64               { return c.used }
func (c *lfu) Capacity() int64           { return c.cap }
func (c *lfu) Len() int                  { return c.n }
func (c *lfu) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }

// newBucket makes a bucket of frequency f linked after bucket after (-1:
// at the front) and returns it.
func (c *lfu) newBucket(f int64, after int32) int32 {
	var b int32
	if k := len(c.free); k > 0 {
		b = c.free[k-1]
		c.free = c.free[:k-1]
	} else {
		b = int32(len(c.buckets))
		c.buckets = append(c.buckets, bucket{})
	}
	next := c.low
	if after >= 0 {
		next = c.buckets[after].next
		c.buckets[after].next = b
	} else {
		c.low = b
	}
	if next >= 0 {
		c.buckets[next].prev = b
	}
	c.buckets[b] = bucket{freq: f, list: newDlist(), prev: after, next: next}
	return b
}

// dropBucket unlinks the empty bucket b and frees it.
func (c *lfu) dropBucket(b int32) {
	p, n := c.buckets[b].prev, c.buckets[b].next
	if p >= 0 {
		c.buckets[p].next = n
	} else {
		c.low = n
	}
	if n >= 0 {
		c.buckets[n].prev = p
	}
	c.free = append(c.free, b)
}

func (c *lfu) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	b := c.bkt[e]
	f := c.buckets[b].freq + 1
	nb := c.buckets[b].next
	if c.buckets[b].list.n == 1 && (nb < 0 || c.buckets[nb].freq != f) {
		// Alone in its bucket and no bucket f+1: bump the bucket in place.
		c.buckets[b].freq = f
		return true
	}
	if nb < 0 || c.buckets[nb].freq != f {
		nb = c.newBucket(f, b)
	}
	c.buckets[b].list.unlink(c.nodes, e)
	c.buckets[nb].list.pushFront(c.nodes, e)
	c.bkt[e] = nb
	if c.buckets[b].list.n == 0 {
		c.dropBucket(b)
	}
	return true
}

// evict removes the least recent object of the lowest frequency.
func (c *lfu) evict() ObjectID {
	b := c.low
	v := c.buckets[b].list.tail
	id := c.idx.id(v)
	c.unlinkEntry(v)
	c.idx.remove(id)
	return id
}

func (c *lfu) unlinkEntry(e int32) {
	b := c.bkt[e]
	c.buckets[b].list.unlink(c.nodes, e)
	if c.buckets[b].list.n == 0 {
		c.dropBucket(b)
	}
	c.n--
	c.used -= c.nodes[e].size
}

func (c *lfu) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	for r.Size > c.cap-c.used {
		victims = append(victims, c.evict())
	}
	e := c.idx.insert(r.ID)
	c.nodes = setNode(c.nodes, e, node{size: r.Size})
	b := c.low
	if b < 0 || c.buckets[b].freq != 1 {
		b = c.newBucket(1, -1)
	}
	if int(e) == len(c.bkt) {
		c.bkt = append(c.bkt, b)
	}
	c.bkt[e] = b
	c.buckets[b].list.pushFront(c.nodes, e)
	c.n++
	c.used += r.Size
	return victims, true
}

func (c *lfu) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.unlinkEntry(e)
	c.idx.remove(id)
	return true
}

// Victim is the least recent object of the lowest frequency.
func (c *lfu) Victim() (ObjectID, bool) {
	if c.low < 0 {
		return 0, false
	}
	return c.idx.id(c.buckets[c.low].list.tail), true
}

// state lists buckets from the lowest frequency up as "freq:ids" with IDs
// most recent first, separated by " | ", for table tests.
func (c *lfu) state() string {
	var b strings.Builder
	for k := c.low; k >= 0; k = c.buckets[k].next {
		if b.Len() > 0 {
			b.WriteString(" | ")
		}
		fmt.Fprintf(&b, "%d:%s", c.buckets[k].freq, listState(&c.idx, c.nodes, c.buckets[k].list))
	}
	return b.String()
}

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *lfu) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes + int64(cap(c.bkt))*4 +
		int64(cap(c.buckets))*bucketBytes + int64(cap(c.free))*4
}
