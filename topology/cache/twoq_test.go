package cache

import (
	"fmt"
	"testing"
)

// check walks A1in, A1out and Am: links, counts, bytes, marks, index
// membership, the capacity, A1out's bound and Am's share.
func (c *twoq) check() error {
	if _, err := checkMarkedLists(&c.idx, c.nodes, c.where, markedList{c.in, qIn, "a1in"}, markedList{c.out, qOut, "a1out"}, markedList{c.m, qM, "am"}); err != nil {
		return err
	}
	if c.Used() > c.cap {
		return fmt.Errorf("used %d > capacity %d", c.Used(), c.cap)
	}
	if c.out.bytes > c.outCap {
		return fmt.Errorf("a1out %d > %d", c.out.bytes, c.outCap)
	}
	if c.m.bytes > c.mCap {
		return fmt.Errorf("am %d > %d", c.m.bytes, c.mCap)
	}
	return nil
}

// Capacity 4 objects: A1in 1, Am 3, A1out 2 IDs.
func TestTwoQStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newTwoQ(4) }
	const warm = "+1 +2 +3 +4 ?1 +5 +6 +7"
	runScriptCases(t, mk, []scriptCase{
		{"A1in is a FIFO that fills the empty cache, hits change nothing",
			"+1 +2 +3 +4 ?1", "in:4,3,2,1|out:|m:", ""},
		{"A1in over its share sends its oldest to A1out, which keeps 2 IDs",
			warm, "in:7,6,5,4|out:3,2|m:", "1,2,3"},
		{"a request whose ID is in A1out is admitted to Am",
			warm + " ?2 +2", "in:7,6,5|out:4,3|m:2", "1,2,3,4"},
		{"Am fills to its 3 while A1in shrinks to its share",
			warm + " ?2 +2 +3 +4", "in:7|out:6,5|m:4,3,2", "1,2,3,4,5,6"},
		{"with A1in at its share the miss evicts Am's LRU, not a ghost",
			warm + " ?2 +2 +3 +4 ?2 +5 +8", "in:8,7|out:6|m:5,2", "1,2,3,4,5,6,3,4"},
		{"remove frees Am space",
			warm + " ?2 +2 +3 +4 ?2 +5 +8 -2", "in:8,7|out:6|m:5", "1,2,3,4,5,6,3,4"},
	})
}

func TestTwoQVictim(t *testing.T) {
	t.Parallel()
	c := newTwoQ(4)
	runScript(t, c, "+1 +2 +3 +4")
	if v, _ := c.Victim(); v != 1 {
		t.Errorf("Victim = %d, want 1 (A1in over its share)", v)
	}
	runScript(t, c, "+5 +6 +7 +2 +3 +4")
	if v, _ := c.Victim(); v != 2 {
		t.Errorf("Victim = %d, want 2 (Am's LRU) in %s", v, c.state())
	}
}
