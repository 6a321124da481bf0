package cache

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// belady is Belady's MIN, the offline optimum for objects of equal size:
// on eviction it drops the cached object whose next use (Request.Next) is
// farthest away. Objects with Next == Never go first; among those, the one
// that became dead earliest (least recently accessed) goes first, so that
// runs are reproducible and a brute-force reference can agree exactly.
//
// With variable sizes this is a heuristic, not optimal: optimal caching of
// variable-size objects is NP-hard, and farthest-next-use ignores how many
// bytes an eviction frees.
//
// Like libCacheSim's Belady (Belady.c: demand fill, cache_get_base evicts
// and inserts every missed object that fits; its "evict immediately if no
// future access" switch is compiled out, and only BeladySize skips dead
// objects), Admit inserts objects even when their Next is Never; such an
// object is the first candidate at the next eviction. Miss ratios agree
// with libCacheSim's cachesim exactly (TestAgainstLibCacheSim). libCacheSim
// breaks ties among dead objects by heap position, so in byte mode runs
// could differ in rare ties; none showed in the comparison traces.
//
// Lookup and Admit read r.Next; the replay driver fills it from the trace.
type belady struct {
	cap  int64
	idx  index
	size []int64 // per entry
	heap keyHeap // min-heap of priority(next): the top is the next victim
	used int64
	dead int64 // counts objects that became dead, orders them in the heap
}

func init() { registerPolicy("belady", func(c Config) Policy { return newBelady(c.Capacity) }) }

func newBelady(capacity int64) *belady { return &belady{cap: capacity} }

func (c *belady) Name() string              { return "belady" }
func (c *belady) Used() int64               { return c.used }
func (c *belady) Capacity() int64           { return c.cap }
func (c *belady) Len() int                  { return c.idx.len() }
func (c *belady) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }

// priority maps a next-use time to a heap key: farther next use, smaller
// key. Dead objects (Never) sort below every live one, earliest dead first;
// math.MinInt64 + dead cannot reach -next for any next a trace produces.
func (c *belady) priority(next int64) int64 {
	if next == Never {
		c.dead++
		return math.MinInt64 + c.dead
	}
	return -next
}

func (c *belady) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	c.heap.update(e, c.priority(r.Next))
	return true
}

func (c *belady) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	for r.Size > c.cap-c.used {
		v := c.heap.pop()
		id := c.idx.id(v)
		victims = append(victims, id)
		c.used -= c.size[v]
		c.idx.remove(id)
	}
	e := c.idx.insert(r.ID)
	if int(e) == len(c.size) {
		c.size = append(c.size, 0)
	}
	c.size[e] = r.Size
	c.used += r.Size
	c.heap.push(e, c.priority(r.Next))
	return victims, true
}

func (c *belady) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.heap.remove(e)
	c.used -= c.size[e]
	c.idx.remove(id)
	return true
}

// Victim is the cached object used farthest in the future.
func (c *belady) Victim() (ObjectID, bool) {
	if c.heap.len() == 0 {
		return 0, false
	}
	e, _ := c.heap.top()
	return c.idx.id(e), true
}

// nextOf renders an entry's next use from its heap key.
func (c *belady) nextOf(e int32) string {
	k := c.heap.key(e)
	if k < 0 && k > math.MinInt64/2 {
		return fmt.Sprint(-k)
	}
	if k == 0 {
		return "0"
	}
	return "never"
}

// state lists cached objects as "id@next" in eviction order (the next
// victim first), for table tests.
func (c *belady) state() string {
	items := append([]heapItem(nil), c.heap.items...)
	sort.Slice(items, func(i, j int) bool { return items[i].key < items[j].key })
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d@%s", c.idx.id(it.e), c.nextOf(it.e))
	}
	return b.String()
}

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *belady) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.size))*8 + c.heap.bytes()
}
