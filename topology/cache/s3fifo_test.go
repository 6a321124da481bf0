package cache

import (
	"fmt"
	"testing"
)

// check walks small, main and ghost: links, counts, bytes, index membership,
// each entry's recorded queue, and that the index holds exactly these entries.
func (c *s3fifo) check() error {
	total := 0
	for _, q := range []struct {
		l     dlist
		where uint8
		name  string
	}{{c.small, inSmall, "small"}, {c.main, inMain, "main"}, {c.ghost, inGhost, "ghost"}} {
		seen, err := checkList(&c.idx, c.nodes, q.l)
		if err != nil {
			return fmt.Errorf("%s: %v", q.name, err)
		}
		for e := range seen {
			if c.where[e] != q.where {
				return fmt.Errorf("entry %d (id %d) in %s marked %d", e, c.idx.ids[e], q.name, c.where[e])
			}
			if c.freq[e] > s3MaxFreq {
				return fmt.Errorf("entry %d freq %d > %d", e, c.freq[e], s3MaxFreq)
			}
		}
		total += len(seen)
	}
	if total != c.idx.len() {
		return fmt.Errorf("queues hold %d entries, index %d", total, c.idx.len())
	}
	if c.Used() > c.cap {
		return fmt.Errorf("used %d > capacity %d", c.Used(), c.cap)
	}
	if c.ghost.bytes > c.ghostCap {
		return fmt.Errorf("ghost %d > %d", c.ghost.bytes, c.ghostCap)
	}
	return nil
}

// Capacity 5 in objects: small holds 1 (10% rounded down, at least one),
// main 4, the ghost 4 (90% of 5, truncated).
func TestS3FIFOStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newS3FIFO(5) }
	const fill = "+1 +2 +3 +4 +5 ?1 ?3"
	runScriptCases(t, mk, []scriptCase{
		{"misses fill small past its share until the cache is full",
			fill, "s:5/0,4/0,3/1,2/0,1/1|m:|g:", ""},
		{"a full cache moves hit objects from small to main and evicts the first cold one to the ghost",
			fill + " +6", "s:6/0,5/0,4/0,3/1|m:1/0|g:2", "2"},
		{"a ghost hit is admitted straight to main",
			fill + " +6 ?2 +2", "s:6/0,5/0|m:2/0,3/0,1/0|g:4", "2,4"},
		{"the ghost keeps 4 ids, oldest out first",
			fill + " +6 ?2 +2 ?1 +7 +8 ?6 +6 +9 +10", "s:10/0|m:6/0,2/0,3/0,1/1|g:9,8,7,5", "2,4,5,6,7,8,9"},
		{"main over its share reinserts hit objects with freq-1 and evicts the first cold one",
			fill + " +6 ?2 +2 ?1 +7 +8 ?6 +6 +9 +10 ?5 +5 +11", "s:11/0|m:1/0,5/0,6/0,2/0|g:10,9,8,7", "2,4,5,6,7,8,9,10,3"},
		{"frequency saturates at 3 and a remove leaves no trace but the ghost",
			"+1 ?1 ?1 ?1 ?1 +2 -2 -9", "s:1/3|m:|g:", ""},
	})
}

func TestS3FIFORefusesObjectsLargerThanSmall(t *testing.T) {
	t.Parallel()
	c := newS3FIFO(100) // small = 10
	if _, ok := c.Admit(Request{ID: 1, Size: 11}, nil); ok {
		t.Error("admitted an 11-byte object into a 10-byte small queue")
	}
	if _, ok := c.Admit(Request{ID: 2, Size: 10}, nil); !ok {
		t.Error("refused a 10-byte object that fits the small queue")
	}
}

// In bytes mode the eviction loop runs until the new object fits.
func TestS3FIFOBytes(t *testing.T) {
	t.Parallel()
	c := newS3FIFO(100) // small 10, main 90, ghost 90 bytes
	v := runScript(t, c, "+1:10 +2:10 +3:10 +4:10 +5:10 +6:10 +7:10 +8:10 +9:10 +10:10 ?1 ?2 +11:10")
	if got, want := c.state(), "s:11/0,10/0,9/0,8/0,7/0,6/0,5/0,4/0|m:2/0,1/0|g:3"; got != want {
		t.Errorf("state = %q, want %q", got, want)
	}
	if fmt.Sprint(v) != "[3]" {
		t.Errorf("victims = %v, want [3]", v)
	}
}
