package cache

import (
	"fmt"
	"math"
	"testing"
)

func (c *belady) check() error {
	h := &c.heap
	if h.len() != c.idx.len() {
		return fmt.Errorf("heap holds %d entries, index %d", h.len(), c.idx.len())
	}
	var used int64
	for i, it := range h.items {
		if h.pos[it.e] != int32(i) {
			return fmt.Errorf("entry %d at heap[%d] says position %d", it.e, i, h.pos[it.e])
		}
		if i > 0 && h.items[(i-1)/2].key > it.key {
			return fmt.Errorf("heap order broken at %d", i)
		}
		if c.idx.get(c.idx.id(it.e)) != it.e {
			return fmt.Errorf("entry %d (id %d) not indexed", it.e, c.idx.id(it.e))
		}
		used += c.size[it.e]
	}
	for e, p := range h.pos {
		if p >= 0 && (int(p) >= h.len() || h.items[p].e != int32(e)) {
			return fmt.Errorf("pos[%d] = %d is stale", e, p)
		}
	}
	if used != c.used {
		return fmt.Errorf("entries hold %d bytes, counter %d", used, c.used)
	}
	return nil
}

func TestBeladyState(t *testing.T) {
	t.Parallel()
	runStateCases(t, "belady", []stateCase{
		// The textbook sequence: 7 misses with 3 frames. 4 evicts 3 (next
		// use 9, farthest); 5 evicts 4 (10); from request 7 on 1 and 2 are
		// dead and go first, earliest dead first: 3 evicts 1, 4 evicts 2.
		{"farthest next use goes first", 3, "1 2 3 4 1 2 5 1 2 3 4 5", "....HH.HH..H", "3@never,4@never,5@never"},
		{"live objects ordered by next use", 4, "1 2 3 1 2 3", "...HHH", "1@never,2@never,3@never"},
		{"state before the end", 4, "1 2 3 2 1", "...HH", "3@never,2@never,1@never"},
		// bytes: 3 (8 bytes) needs 1 (next 4) and 2 (next 5) evicted;
		// farthest first: 2, then 1; then 1 evicts the dead 3.
		{"bytes: farthest first until the object fits", 10, "1:4 2:4 3:8 1:4 2:4", ".....", "1@never,2@never"},
	})
}

// refBelady is a brute-force Belady: it scans every cached object for the
// farthest next use, dead (Never) objects first in the order they died.
type refBelady struct {
	cap   int64
	used  int64
	size  map[ObjectID]int64
	next  map[ObjectID]int64
	died  map[ObjectID]int64
	clock int64
}

func newRefBelady(capacity int64) *refBelady {
	return &refBelady{cap: capacity, size: map[ObjectID]int64{}, next: map[ObjectID]int64{}, died: map[ObjectID]int64{}}
}

func (c *refBelady) setNext(id ObjectID, next int64) {
	c.next[id] = next
	if next == Never {
		c.clock++
		c.died[id] = c.clock
	}
}

func (c *refBelady) access(r Request) (bool, []ObjectID) {
	if _, ok := c.size[r.ID]; ok {
		c.setNext(r.ID, r.Next)
		return true, nil
	}
	if r.Size > c.cap {
		return false, nil
	}
	var victims []ObjectID
	for c.used+r.Size > c.cap {
		var best ObjectID
		bestNext, bestDied := int64(-1), int64(math.MaxInt64)
		for id := range c.size {
			n := c.next[id]
			if n == Never {
				if bestNext != Never || c.died[id] < bestDied {
					best, bestNext, bestDied = id, n, c.died[id]
				}
			} else if bestNext != Never && n > bestNext {
				best, bestNext = id, n
			}
		}
		victims = append(victims, best)
		c.used -= c.size[best]
		delete(c.size, best)
		delete(c.next, best)
	}
	c.size[r.ID] = r.Size
	c.used += r.Size
	c.setNext(r.ID, r.Next)
	return false, victims
}

func TestBeladyMatchesBruteForce(t *testing.T) {
	t.Parallel()
	for _, capacity := range []int64{1, 500, 4000, 30000} {
		ref := newRefBelady(capacity)
		diffAgainst(t, "belady", capacity, diffTrace(uint64(capacity)+2, 20000), ref.access)
	}
}

// TestBeladyIsOptimalInObjects checks, in object mode, that belady never
// misses more than any other registered policy on the same trace.
func TestBeladyIsOptimalInObjects(t *testing.T) {
	t.Parallel()
	trace := zipfTrace(2000, 50000, 0.8, false, 5)
	fillNext(trace, false)
	misses := map[string]int{}
	for _, name := range PolicyNames() {
		p, err := NewPolicy(name, Config{Capacity: 100, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		var victims []ObjectID
		for _, r := range trace {
			var hit bool
			if hit, victims = access(p, r, victims); !hit {
				misses[name]++
			}
		}
	}
	for name, m := range misses {
		if m < misses["belady"] {
			t.Errorf("%s misses %d < belady's %d", name, m, misses["belady"])
		}
	}
}
