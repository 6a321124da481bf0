package cache

import (
	"container/list"
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
// the first request where hits or victims differ. It returns the policy.
func diffAgainst(t *testing.T, name string, capacity int64, trace []Request, ref func(Request) (bool, []ObjectID)) Policy {
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
	return p
}

func TestLRUMatchesBruteForce(t *testing.T) {
	t.Parallel()
	for _, capacity := range []int64{1, 500, 4000, 30000} {
		ref := newRefLRU(capacity, true)
		diffAgainst(t, "lru", capacity, diffTrace(uint64(capacity), 20000), ref.access)
	}
}

// fastRefLRU is refLRU for unit-size objects in O(1) a request (a list and
// a map), for caches too large for refLRU's slices.
type fastRefLRU struct {
	cap  int
	move bool // LRU; false: FIFO
	l    *list.List
	at   map[ObjectID]*list.Element
}

func (c *fastRefLRU) access(r Request) (bool, []ObjectID) {
	if e, ok := c.at[r.ID]; ok {
		if c.move {
			c.l.MoveToFront(e)
		}
		return true, nil
	}
	var victims []ObjectID
	if c.l.Len() == c.cap {
		v := c.l.Remove(c.l.Back()).(ObjectID)
		delete(c.at, v)
		victims = append(victims, v)
	}
	c.at[r.ID] = c.l.PushFront(r.ID)
	return false, victims
}

// TestListPoliciesMatchReferenceWhenLarge checks LRU and FIFO against the
// list-and-map reference in caches of 150,000 objects, whose index is
// past warmVictimsSlots: there, every admission that evicts also warms the
// next victim, a path the small caches of the other tests never take.
func TestListPoliciesMatchReferenceWhenLarge(t *testing.T) {
	t.Parallel()
	const capacity = 150_000
	rng := rand.New(rand.NewPCG(7, 7))
	trace := make([]Request, 600_000)
	for i := range trace {
		// Half the requests on 100,000 hot objects, half on 1.5 M others:
		// hits, and evictions all along.
		id := ObjectID(1 + rng.IntN(100_000))
		if rng.IntN(2) == 0 {
			id = ObjectID(100_001 + rng.IntN(1_500_000))
		}
		trace[i] = Request{ID: id, Size: 1, Time: int64(i)}
	}
	for _, name := range []string{"lru", "fifo"} {
		ref := &fastRefLRU{cap: capacity, move: name == "lru", l: list.New(), at: map[ObjectID]*list.Element{}}
		evictions := 0
		p := diffAgainst(t, name, capacity, trace, func(r Request) (bool, []ObjectID) {
			hit, victims := ref.access(r)
			evictions += len(victims)
			return hit, victims
		})
		if n := len(p.(interface{ entries() *index }).entries().slots); n < warmVictimsSlots {
			t.Fatalf("%s: index of %d slots, under warmVictimsSlots (%d): the test does not reach the warmed path", name, n, warmVictimsSlots)
		}
		if evictions < 100_000 {
			t.Fatalf("%s: %d evictions, want many", name, evictions)
		}
	}
}
