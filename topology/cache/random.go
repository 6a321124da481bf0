package cache

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// randomPCGStream is the second PCG word: a fixed stream selector, so that
// Config.Seed alone decides the evictions.
const randomPCGStream = 0x72616e646f6d // "random"

// random evicts a uniformly chosen cached object (libCacheSim's Random picks
// a random hash-table object; the distribution is the same, the draws are
// not). Entries are kept in a dense array so a pick is O(1); removal swaps
// the last element into the hole.
type random struct {
	cap   int64
	idx   index
	size  []int64 // per entry
	slot  []int32 // per entry: position in dense
	dense []int32 // cached entry numbers, in no particular order
	used  int64
	pick  int32 // the next victim once chosen (Victim or eviction), else -1
	rng   *rand.Rand
}

func init() { registerPolicy("random", func(c Config) Policy { return newRandom(c.Capacity, c.Seed) }) }

func newRandom(capacity int64, seed uint64) *random {
	return &random{cap: capacity, pick: -1, rng: rand.New(rand.NewPCG(seed, randomPCGStream))}
}

func (c *random) Name() string              { return "random" }
func (c *random) Used() int64               { return c.used }
func (c *random) Capacity() int64           { return c.cap }
func (c *random) Len() int                  { return len(c.dense) }
func (c *random) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }
func (c *random) Lookup(r Request) bool     { return c.idx.get(r.ID) >= 0 }

// choose draws the next victim if none is pending. Drawing lazily and
// keeping the draw makes Victim name exactly the object the next eviction
// takes, whatever happens in between except its removal.
func (c *random) choose() int32 {
	if c.pick < 0 {
		c.pick = c.dense[c.rng.IntN(len(c.dense))]
	}
	return c.pick
}

func (c *random) drop(e int32) {
	i := c.slot[e]
	last := c.dense[len(c.dense)-1]
	c.dense[i] = last
	c.slot[last] = i
	c.dense = c.dense[:len(c.dense)-1]
	c.used -= c.size[e]
	if c.pick == e {
		c.pick = -1
	}
}

func (c *random) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	for r.Size > c.cap-c.used {
		v := c.choose()
		id := c.idx.id(v)
		victims = append(victims, id)
		c.drop(v)
		c.idx.remove(id)
	}
	e := c.idx.insert(r.ID)
	if int(e) == len(c.size) {
		c.size = append(c.size, 0)
		c.slot = append(c.slot, 0)
	}
	c.size[e] = r.Size
	c.slot[e] = int32(len(c.dense))
	c.dense = append(c.dense, e)
	c.used += r.Size
	return victims, true
}

func (c *random) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.drop(e)
	c.idx.remove(id)
	return true
}

// Victim draws (once) and names the next victim.
func (c *random) Victim() (ObjectID, bool) {
	if len(c.dense) == 0 {
		return 0, false
	}
	return c.idx.id(c.choose()), true
}

// state lists cached IDs in dense-array order, for table tests.
func (c *random) state() string {
	var b strings.Builder
	for i, e := range c.dense {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, c.idx.id(e))
	}
	return b.String()
}

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *random) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.size))*8 + int64(cap(c.slot))*4 + int64(cap(c.dense))*4
}
