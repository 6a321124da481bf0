package cache

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// sizeUnits are binary multiples, as cache capacities are usually meant.
var sizeUnits = []struct {
	suffix string
	mult   float64
}{
	{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
	{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
	{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10},
	{"B", 1},
}

// ParseSize parses a byte size such as "512", "64KB", "1.5GB" or "2GiB".
// KB, MB, GB and TB are binary multiples (1 KB = 1024 bytes).
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a size (use a number with an optional KB, MB, GB or TB suffix)", s)
	}
	b := v * mult
	if b < 0 {
		return 0, fmt.Errorf("size %q is negative", s)
	}
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(math.Round(b)), nil
}

// FormatSize renders n bytes with the largest binary unit that keeps at
// least one whole unit, e.g. 1536 → "1.5KB"; it is ParseSize's inverse for
// the values it prints.
func FormatSize(n int64) string {
	for _, u := range []struct {
		s string
		m int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if n >= u.m {
			return strconv.FormatFloat(float64(n)/float64(u.m), 'f', -1, 64) + u.s
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}
