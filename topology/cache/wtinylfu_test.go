package cache

import (
	"fmt"
	"testing"
)

// check walks window, probation and protected, and checks protected's share
// and the capacity.
func (c *wtinylfu) check() error {
	if _, err := checkMarkedLists(&c.idx, c.nodes, c.where, markedList{c.win, wWindow, "window"}, markedList{c.prob, wProbation, "probation"}, markedList{c.prot, wProtected, "protected"}); err != nil {
		return err
	}
	if c.Used() > c.cap {
		return fmt.Errorf("used %d > capacity %d", c.Used(), c.cap)
	}
	if c.prot.bytes > c.protCap {
		return fmt.Errorf("protected %d > %d", c.prot.bytes, c.protCap)
	}
	if c.mainBytes() > c.mainCap {
		return fmt.Errorf("main %d > %d", c.mainBytes(), c.mainCap)
	}
	return nil
}

// Capacity 10 objects: window 1, main 9 (probation 1, protected 7).
// Sketch counts in the comments are worked from the add points.
func TestWTinyLFUStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newWTinyLFU(10, 64, 1) }
	const fill = "+1 +2 +3 +4 +5 +6 +7 +8 +9 +10"
	runScriptCases(t, mk, []scriptCase{
		{"an empty cache keeps every miss in the window",
			fill, "w:10,9,8,7,6,5,4,3,2,1|pb:|pt:", ""},
		{"when full, window objects move to main until the candidate loses (10: 1 < 1's 2)",
			fill + " +11", "w:11|pb:9,1|pt:8,7,6,5,4,3,2", "10"},
		{"a probation hit promotes, protected's LRU cools to probation",
			fill + " +11 ?1", "w:11|pb:2,9|pt:1,8,7,6,5,4,3", "10"},
		{"a window hit is not counted: 11 (1) loses to 1 (2)",
			fill + " +11 ?11 ?11 +10", "w:10|pb:9,1|pt:8,7,6,5,4,3,2", "10,11"},
		{"a candidate seen more often (10: 3) replaces main's victim (1: 2)",
			fill + " +11 +10 +12", "w:12|pb:10|pt:8,7,6,5,4,3,2", "10,11,1,9"},
		{"a tie keeps main's victim: 11, inserted twice (removed in between: 2), loses to 1 (2)",
			fill + " +11 -11 +11 +12", "w:12|pb:9,1|pt:8,7,6,5,4,3,2", "10,11"},
		{"remove works in every segment",
			fill + " +11 -11 -9 -2", "w:|pb:1|pt:8,7,6,5,4,3", "10"},
	})
}

// wtinylfu-cbf, same capacity; the filter is widened so that its counts are
// exact (at 9 entries its 130 counters would collide). Counts: an insertion
// and an eviction step's candidate count 1 each, a hit in main 1.
func TestWTinyLFUCBFStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy {
		c := newWTinyLFUCBF(10, 64, 1)
		c.cbf = newCountingBloom(1000, wtlfuCBFAging*c.mainCap)
		return c
	}
	const fill = "+1 +2 +3 +4 +5 +6 +7 +8 +9 +10"
	runScriptCases(t, mk, []scriptCase{
		{"the same admission as wtinylfu (10: 1 < 1's 2); 9 overfills probation on insertion",
			fill + " +11", "w:11|pb:9,1|pt:8,7,6,5,4,3,2", "10"},
		{"a probation hit whose demotion overfills probation evicts at the next admission",
			fill + " +11 ?1", "w:11|pb:2,9|pt:1,8,7,6,5,4,3", "10"},
		{"that eviction (9) makes the room, so 12 joins the window without a contest",
			fill + " +11 ?1 +12", "w:12,11|pb:2|pt:1,8,7,6,5,4,3", "10,9"},
		{"without a demotion an overfilled probation stays: 11 (1) loses to 1 (2)",
			fill + " +11 ?2 +12", "w:12|pb:9,1|pt:2,8,7,6,5,4,3", "10,11"},
	})
	w := newWTinyLFU(10, 64, 1) // for contrast: the design evicts only to make room
	runScriptCases(t, func() Policy { return w }, []scriptCase{
		{"wtinylfu: the window candidate 11 (1) loses to 9 (2)",
			fill + " +11 ?1 +12", "w:12|pb:2,9|pt:1,8,7,6,5,4,3", "10,11"},
	})
}

func TestWTinyLFURefusesObjectsLargerThanWindow(t *testing.T) {
	t.Parallel()
	c := newWTinyLFU(1000, 64, 1) // window 10
	if _, ok := c.Admit(Request{ID: 1, Size: 11}, nil); ok {
		t.Error("admitted an object larger than the window")
	}
	if _, ok := c.Admit(Request{ID: 2, Size: 10}, nil); !ok {
		t.Error("refused an object that fits the window")
	}
}
