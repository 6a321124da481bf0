package cache

import (
	"fmt"
	"testing"
)

func (c *clock) check() error {
	members, err := checkList(&c.idx, c.nodes, c.list)
	if err != nil {
		return err
	}
	if len(members) != c.idx.len() {
		return fmt.Errorf("list holds %d entries, index %d", len(members), c.idx.len())
	}
	if len(c.ref) < c.idx.entries() {
		return fmt.Errorf("%d reference bits for %d entries", len(c.ref), c.idx.entries())
	}
	return nil
}

func TestClockState(t *testing.T) {
	t.Parallel()
	runStateCases(t, "clock", []stateCase{
		// 1 2 3 → 3,2,1; hit 1 → 3,2,1*; 4: 1* gets a second chance
		// (bit cleared, moved to the head: 1,3,2), 2 is evicted → 4,1,3;
		// hit 4 → 4*,1,3; 2 evicts 3 → 2,4*,1; 5 evicts 1 → 5,2,4*;
		// 6: 4* gets its second chance → 4,5,2, then 2 goes → 6,4,5.
		{"a set bit buys one more round", 3, "1 2 3 1 4 4 2 5 6", "...H.H...", "6,4,5"},
		// All bits set: the sweep clears them all and evicts the old tail.
		{"all bits set evicts the oldest", 2, "1 2 1 2 3", "..HH.", "3,2"},
		// 3,2*,1* (9 bytes); 4 needs 5: 1* and 2* get second chances
		// (2,1,3), 3 then 1 are evicted → 4,2.
		{"bytes: second chances until enough space", 10, "1:3 2:3 3:3 1:3 2:3 4:5", "...HH.", "4,2"},
	})
}
