package cache

import (
	"fmt"
	"testing"
)

func (c *lfu) check() error {
	seen := 0
	var used int64
	prev := int32(-1)
	live := 0
	for b := c.low; b >= 0; b = c.buckets[b].next {
		live++
		if live > len(c.buckets) {
			return fmt.Errorf("bucket cycle at %d", b)
		}
		bk := c.buckets[b]
		if bk.prev != prev {
			return fmt.Errorf("bucket %d: prev = %d, want %d", b, bk.prev, prev)
		}
		if prev >= 0 && c.buckets[prev].freq >= bk.freq {
			return fmt.Errorf("bucket %d: frequency %d after %d", b, bk.freq, c.buckets[prev].freq)
		}
		if bk.freq < 1 {
			return fmt.Errorf("bucket %d: frequency %d", b, bk.freq)
		}
		members, err := checkList(&c.idx, c.nodes, bk.list)
		if err != nil {
			return fmt.Errorf("bucket %d (freq %d): %v", b, bk.freq, err)
		}
		if len(members) == 0 {
			return fmt.Errorf("bucket %d (freq %d) is empty but linked", b, bk.freq)
		}
		for e := range members {
			if c.bkt[e] != b {
				return fmt.Errorf("entry %d in bucket %d says bucket %d", e, b, c.bkt[e])
			}
		}
		seen += len(members)
		used += bk.list.bytes
		prev = b
	}
	if live+len(c.free) != len(c.buckets) {
		return fmt.Errorf("%d live + %d free buckets, arena %d", live, len(c.free), len(c.buckets))
	}
	if seen != c.n || seen != c.idx.len() || used != c.used {
		return fmt.Errorf("buckets hold %d entries / %d bytes; counters %d / %d; index %d", seen, used, c.n, c.used, c.idx.len())
	}
	return nil
}

func TestLFUState(t *testing.T) {
	t.Parallel()
	runStateCases(t, "lfu", []stateCase{
		// 1 2 3 → 1:3,2,1; 1 hits twice (its bucket is bumped in place
		// the second time), 2 once; 4 evicts 3, the only object seen once;
		// 3 evicts 4 and 5 evicts 3: new objects churn below the hot ones.
		{"the least frequent goes first", 3, "1 2 3 1 1 2 4 3 5", "...HHH...", "1:5 | 2:2 | 3:1"},
		// 1 and 2 both reach frequency 2, 1 first: 1 is the less recent.
		{"ties go to the least recent", 2, "1 2 1 2 3", "..HH.", "1:3 | 2:2"},
		{"bytes: evicts up the frequencies until the object fits", 10, "1:4 2:4 1:4 3:8", "..H.", "1:3"},
	})
}
