package cache

import (
	"fmt"
	"math"
	"testing"
)

// check verifies live/livePos, the index, the byte total and the capacity.
func (c *lhd) check() error {
	if len(c.live) != c.idx.len() {
		return fmt.Errorf("live holds %d, index %d", len(c.live), c.idx.len())
	}
	var used int64
	for i, e := range c.live {
		if c.livePos[e] != int32(i) {
			return fmt.Errorf("entry %d at live[%d], livePos says %d", e, i, c.livePos[e])
		}
		if c.idx.get(c.idx.id(e)) != e {
			return fmt.Errorf("entry %d (id %d) not indexed", e, c.idx.id(e))
		}
		if c.ts[e] >= c.now {
			return fmt.Errorf("entry %d stamped %d, now %d", e, c.ts[e], c.now)
		}
		used += c.size[e]
	}
	if used != c.used || used > c.cap {
		return fmt.Errorf("sizes add to %d, used %d, capacity %d", used, c.used, c.cap)
	}
	return nil
}

// Before any reconfiguration the density is (class+1)/(age+1)/size. With 3
// objects the age unit is one update and every object is a candidate. Ages
// in the state are taken at the next update's time.
func TestLHDStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newLHD(3, 3, 1) }
	const warm = "+1 +2 +3 ?1"
	runScriptCases(t, mk, []scriptCase{
		{"a hit at age 3 puts 1 in class 11 (log2 of 4096/3)",
			warm, "1:c11a1,2:c0a3,3:c0a2", ""},
		{"the oldest unhit object has the lowest density 1/(age+1)",
			warm + " +4", "1:c11a2,3:c0a3,4:c0a1", "2"},
		{"a recently hit object outlives older cold ones",
			warm + " +4 +5", "1:c11a3,4:c0a2,5:c0a1", "2,3"},
		{"a 2-byte object evicts until it fits, lowest density first",
			warm + " +4 +5 +6:2", "1:c11a4,6:c0a1", "2,3,4,5"},
		{"remove takes any object",
			warm + " +4 +5 +6:2 -1", "6:c0a1", "2,3,4,5"},
	})
}

func TestLHDModelHitDensity(t *testing.T) {
	t.Parallel()
	c := newLHD(100, 10, 1)
	for i := range c.dens {
		c.dens[i] = -1
	}
	// Class 0: two hits at age 1, two evictions at age 3.
	c.hits[1], c.evicts[3] = 2, 2
	c.modelHitDensity()
	for a, want := range []float32{2.0 / 12, 2.0 / 8, 0, 0, 0} {
		if got := c.dens[a]; math.Abs(float64(got-want)) > 1e-6 {
			t.Errorf("density at age %d = %g, want %g", a, got, want)
		}
	}
}

func TestLHDCoarseningShift(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    float64
		want uint
	}{{3, 0}, {40, 0}, {41, 1}, {2000, 6}, {1e6, 15}} {
		if got := lhdShiftFor(tc.n); got != tc.want {
			t.Errorf("lhdShiftFor(%g) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
