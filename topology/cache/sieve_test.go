package cache

import (
	"fmt"
	"testing"
)

func (c *sieve) check() error {
	members, err := checkList(&c.idx, c.nodes, c.list)
	if err != nil {
		return err
	}
	if len(members) != c.idx.len() {
		return fmt.Errorf("list holds %d entries, index %d", len(members), c.idx.len())
	}
	if c.hand >= 0 && !members[c.hand] {
		return fmt.Errorf("hand %d is not a cached entry", c.hand)
	}
	if len(c.visited) < c.idx.entries() {
		return fmt.Errorf("%d visited bits for %d entries", len(c.visited), c.idx.entries())
	}
	return nil
}

func TestSieveState(t *testing.T) {
	t.Parallel()
	runStateCases(t, "sieve", []stateCase{
		// 1 2 3 → 3,2,1; hit 1 → 3,2,1*; 4: the hand starts at the tail,
		// clears 1*, moves toward the head to 2 and evicts it, resting on
		// 3 → 4,>3,1; hit 4 → 4*,>3,1; 2 evicts 3 (unvisited), hand on 4
		// → 2,>4*,1; 5: 4* is cleared, 2 evicted, the hand falls off the
		// head → 5,4,1; 6: the hand restarts at the tail and evicts 1,
		// resting on 4 → 6,5,>4. Unlike CLOCK, 1 kept its place in the
		// queue when it survived.
		{"the hand survives evictions and objects do not move", 3, "1 2 3 1 4 4 2 5 6", "...H.H...", "6,5,>4"},
		// The paper's point: 1 and 2 are visited; 3, a one-hit wonder,
		// is evicted by 4 while the sweep only clears their bits (the hand
		// falls off the head) → 4,2,1; both then hit again. LRU would have
		// evicted 1 for 4.
		{"visited objects survive a one-hit wonder", 3, "1 2 1 2 3 4 1 2", "..HH..HH", "4,2*,1*"},
		{"the first eviction takes the tail and rests the hand on its neighbour", 3, "1 2 3 4", "....", "4,3,>2"},
	})
}

func TestSieveRemoveAtHand(t *testing.T) {
	t.Parallel()
	p := newSieve(3)
	replaySpec(p, "1 2 3 4") // evicts 1, hand on 2
	if got := p.state(); got != "4,3,>2" {
		t.Fatalf("state = %q, want %q", got, "4,3,>2")
	}
	p.Remove(2)
	if got := p.state(); got != "4,>3" {
		t.Fatalf("after Remove(2): state = %q, want %q", got, "4,>3")
	}
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
}
