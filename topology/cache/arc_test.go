package cache

import (
	"fmt"
	"testing"
)

// check walks T1, T2, B1 and B2 and cross-checks marks, the index, the
// capacity and the ghost bound of the paper (|T1|+|B1| ≤ c in objects is
// not kept in bytes, but all four lists stay within 2c plus one object).
func (c *arc) check() error {
	if _, err := checkMarkedLists(&c.idx, c.nodes, c.where, markedList{c.t1, arcT1, "t1"}, markedList{c.t2, arcT2, "t2"}, markedList{c.b1, arcB1, "b1"}, markedList{c.b2, arcB2, "b2"}); err != nil {
		return err
	}
	if c.Used() > c.cap {
		return fmt.Errorf("used %d > capacity %d", c.Used(), c.cap)
	}
	if c.p < 0 || c.p > float64(c.cap) {
		return fmt.Errorf("p = %g outside [0, %d]", c.p, c.cap)
	}
	return nil
}

func TestARCStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newARC(4) }
	const warm = "+1 +2 +3 +4 ?1 ?2"
	runScriptCases(t, mk, []scriptCase{
		{"a second hit moves an object from T1 to T2",
			warm, "t1:4,3|t2:2,1|b1:|b2:|p:0", ""},
		{"a miss with T1 over p evicts T1's LRU into B1",
			warm + " +5", "t1:5,4|t2:2,1|b1:3|b2:|p:0", "3"},
		{"a B1 hit raises p by one and enters T2",
			warm + " +5 ?3 +3", "t1:5|t2:3,2,1|b1:4|b2:|p:1", "3,4"},
		{"with T1 at p a miss evicts T2's LRU into B2",
			warm + " +5 ?3 +3 +6", "t1:6,5|t2:3,2|b1:4|b2:1|p:1", "3,4,1"},
		{"a B2 hit lowers p and REPLACE takes T1",
			warm + " +5 ?3 +3 +6 ?1 +1", "t1:6|t2:1,3,2|b1:5,4|b2:|p:0", "3,4,1,5"},
		{"remove frees space without touching the ghosts",
			warm + " +5 ?3 +3 +6 ?1 +1 -3 +7", "t1:7,6|t2:1,2|b1:5,4|b2:|p:0", "3,4,1,5"},
		{"when T1+B1 fill the cache a miss drops B1's LRU first",
			warm + " +5 ?3 +3 +6 ?1 +1 -3 +7 +8", "t1:8,7|t2:1,2|b1:6,5|b2:|p:0", "3,4,1,5,6"},
		{"T1 filling the cache with B1 empty evicts without a ghost",
			"+1 +2 +3 +4 +5", "t1:5,4,3,2|t2:|b1:|b2:|p:0", "1"},
	})
}

func TestARCBytesAdaptsPByRatio(t *testing.T) {
	t.Parallel()
	c := newARC(100)
	runScript(t, c, "+1:40 +2:40 ?1 +3:40 +4:10")
	// 3 (40 bytes) needed room: T1 = {2} over p = 0, so 2 went to B1.
	if got, want := c.state(), "t1:4,3|t2:1|b1:2|b2:|p:0"; got != want {
		t.Fatalf("state = %q, want %q", got, want)
	}
	c.Lookup(Request{ID: 2, Size: 40})
	if c.p != 1 { // max(|B2|/|B1| = 0/40, 1)
		t.Errorf("p = %g after a B1 hit, want 1", c.p)
	}
}

func TestARCVictim(t *testing.T) {
	t.Parallel()
	c := newARC(4)
	if _, ok := c.Victim(); ok {
		t.Fatal("empty cache has a victim")
	}
	runScript(t, c, "+1 +2 +3 +4 ?1 ?2")
	if v, _ := c.Victim(); v != 3 {
		t.Errorf("Victim = %d, want 3 (T1's LRU)", v)
	}
	v, _ := c.Admit(Request{ID: 5, Size: 1}, nil)
	if fmt.Sprint(v) != "[3]" {
		t.Errorf("evicted %v, want [3]", v)
	}
}
