package cache

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func (c *listPolicy) check() error {
	members, err := checkList(&c.idx, c.nodes, c.list)
	if err != nil {
		return err
	}
	if len(members) != c.idx.len() {
		return fmt.Errorf("list holds %d entries, index %d", len(members), c.idx.len())
	}
	return nil
}

func TestLRUState(t *testing.T) {
	t.Parallel()
	runStateCases(t, "lru", []stateCase{
		{"a hit moves to the front and the tail is evicted", 3, "1 2 3 1 4 2 5", "...H...", "5,2,4"},
		{"bytes: evicts from the tail until the new object fits", 10, "1:4 2:4 1:4 3:6", "..H.", "3,1"},
		{"an object larger than the capacity is not admitted", 10, "1:4 2:11 1:4", "..H", "1"},
	})
}

// refLRU is a brute-force LRU over a slice, most recent first.
type refLRU struct {
	cap  int64
	used int64
	ids  []ObjectID
	size map[ObjectID]int64
	move bool // false turns it into FIFO
}

func newRefLRU(capacity int64, move bool) *refLRU {
	return &refLRU{cap: capacity, size: map[ObjectID]int64{}, move: move}
}

// access returns whether r hits and the IDs evicted to admit it.
func (c *refLRU) access(r Request) (bool, []ObjectID) {
	if i := slices.Index(c.ids, r.ID); i >= 0 {
		if c.move {
			c.ids = slices.Insert(slices.Delete(c.ids, i, i+1), 0, r.ID)
		}
		return true, nil
	}
	if r.Size > c.cap {
		return false, nil
	}
	var victims []ObjectID
	for c.used+r.Size > c.cap {
		v := c.ids[len(c.ids)-1]
		c.ids = c.ids[:len(c.ids)-1]
		c.used -= c.size[v]
		victims = append(victims, v)
	}
	c.ids = slices.Insert(c.ids, 0, r.ID)
	c.size[r.ID] = r.Size
	c.used += r.Size
	return false, victims
}

// diffTrace is a random trace with variable sizes for differential tests:
// Zipf(0.9) over 300 objects, sizes 1-400 bytes with a few over capacity.
func diffTrace(seed uint64, n int) []Request {
	rng := rand.New(rand.NewPCG(seed, 9))
	sizes := make([]int64, 300)
	for i := range sizes {
		sizes[i] = 1 + rng.Int64N(400)
		if rng.IntN(50) == 0 {
			sizes[i] = 5000
		}
	}
	reqs := zipfTrace(len(sizes), n, 0.9, false, seed)
	for i := range reqs {
		reqs[i].Size = sizes[reqs[i].ID-1]
	}
	fillNext(reqs, false)
	return reqs
}

// diffAgainst replays trace on the policy and the reference and fails at
// the first request where hits or victims differ.
func diffAgainst(t *testing.T, name string, capacity int64, trace []Request, ref func(Request) (bool, []ObjectID)) {
	t.Helper()
	p, err := NewPolicy(name, Config{Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	var victims []ObjectID
	misses := 0
	for i, r := range trace {
		var hit bool
		hit, victims = access(p, r, victims)
		rh, rv := ref(r)
		if hit != rh || !slices.Equal(victims, rv) {
			t.Fatalf("request %d (id %d size %d): hit %v victims %v, reference hit %v victims %v", i, r.ID, r.Size, hit, victims, rh, rv)
		}
		if !hit {
			misses++
		}
	}
	t.Logf("%s capacity %d: miss ratio %.4f", name, capacity, float64(misses)/float64(len(trace)))
}

func TestLRUMatchesBruteForce(t *testing.T) {
	t.Parallel()
	for _, capacity := range []int64{1, 500, 4000, 30000} {
		ref := newRefLRU(capacity, true)
		diffAgainst(t, "lru", capacity, diffTrace(uint64(capacity), 20000), ref.access)
	}
}
