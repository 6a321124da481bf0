package replay

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/topology/cache"
)

// Capacity is a cache size as a user gives it: an absolute size, or a
// fraction of the working set resolved once the trace is decoded.
type Capacity struct {
	Text string // as given
	abs  int64
	frac float64
}

// ParseCapacity reads a capacity: bytes ("64MB", "1.5GB"; binary units),
// or with ignoreSize an object count ("1000"); or in either mode a
// fraction of the working set ("0.01", "5%").
func ParseCapacity(s string, ignoreSize bool) (Capacity, error) {
	c := Capacity{Text: s}
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || !(f > 0 && f <= 100) {
			return c, fmt.Errorf("%q: a percentage of the working set must be in (0%%, 100%%]", s)
		}
		c.frac = f / 100
		return c, nil
	}
	if strings.Contains(t, ".") {
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			if !(f > 0 && f <= 1) {
				return c, fmt.Errorf("%q: a fraction of the working set must be in (0, 1]", s)
			}
			c.frac = f
			return c, nil
		}
	}
	if ignoreSize {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("%q: with --ignore-size a capacity is a positive object count or a fraction such as 0.01", s)
		}
		c.abs = n
		return c, nil
	}
	n, err := cache.ParseSize(t)
	if err != nil {
		return c, err
	}
	if n <= 0 {
		return c, fmt.Errorf("%q: capacity must be > 0", s)
	}
	c.abs = n
	return c, nil
}

// Fraction is the share of the working set c stands for, 0 for an
// absolute capacity.
func (c Capacity) Fraction() float64 { return c.frac }

// Resolve returns the capacity in bytes, or objects with ignoreSize. A
// fraction is truncated, as libCacheSim's cachesim does, so the same
// command line gives both tools the same cache size.
func (c Capacity) Resolve(tr *Trace, ignoreSize bool) int64 {
	if c.frac == 0 {
		return c.abs
	}
	ws := tr.WorkingSet
	if ignoreSize {
		ws = tr.Objects
	}
	return max(1, int64(float64(ws)*c.frac))
}
