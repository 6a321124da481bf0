package cache

import (
	"fmt"
	"testing"
)

// check verifies the heap order, positions, byte total, index membership
// and that no priority is below the clock L.
func (c *gdsf) check() error {
	if len(c.heap) != c.idx.len() {
		return fmt.Errorf("heap holds %d, index %d", len(c.heap), c.idx.len())
	}
	var used int64
	for i, e := range c.heap {
		if c.pos[e] != int32(i) {
			return fmt.Errorf("entry %d at %d, pos says %d", e, i, c.pos[e])
		}
		if c.idx.get(c.idx.id(e)) != e {
			return fmt.Errorf("entry %d (id %d) not indexed", e, c.idx.id(e))
		}
		if i > 0 && c.less(e, c.heap[(i-1)/2]) {
			return fmt.Errorf("heap order broken at %d", i)
		}
		if c.pri[e] < c.l {
			return fmt.Errorf("entry %d priority %g below L %g", e, c.pri[e], c.l)
		}
		used += c.size[e]
	}
	if used != c.used || used > c.cap {
		return fmt.Errorf("sizes add to %d, used %d, capacity %d", used, c.used, c.cap)
	}
	return nil
}

func TestGDSFStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newGDSF(3) }
	const warm = "+1 +2 +3 ?1 ?1"
	runScriptCases(t, mk, []scriptCase{
		{"hits raise H = L + freq/size", warm, "L:0|2:1,3:1,1:3", ""},
		{"the lowest H goes, oldest first among equals, and L rises to it",
			warm + " +4", "L:1|3:1,4:2,1:3", "2"},
		{"a hit recomputes H from the current L",
			warm + " +4 +5 ?5", "L:1|4:2,1:3,5:3", "2,3"},
		{"old favourites age out as L inflates",
			warm + " +4 +5 ?5 +6 +7", "L:3|5:3,6:3,7:4", "2,3,4,1"},
		{"a larger object needs room for its size and gets freq/size",
			warm + " +4 +5 ?5 +6 +7 +8:2", "L:3|8:3.5,7:4", "2,3,4,1,5,6"},
		{"remove takes any object out of the heap",
			warm + " +4 +5 ?5 +6 +7 +8:2 -7", "L:3|8:3.5", "2,3,4,1,5,6"},
	})
}
