package prefetch

import (
	"testing"
	"unsafe"
)

// TestOfChangesNothing prefetches every element of a slice and of a
// struct, its first and last bytes included, and the nil pointer (a
// hint never faults), one at a time (Of) and two (Two): every value must
// be what it was.
func TestOfChangesNothing(t *testing.T) {
	t.Parallel()
	xs := make([]uint64, 1<<12)
	for i := range xs {
		xs[i] = uint64(i) * 0x9E3779B97F4A7C15
	}
	for i := range xs {
		Of(&xs[i])
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), 8*len(xs))
	Of(&b[0])
	Of(&b[len(b)-1])
	Of[int](nil)
	type entry struct {
		prev, next int32
		size       int64
	}
	e := entry{1, 2, 3}
	Of(&e)
	for i := range xs {
		Two(&xs[i], &xs[len(xs)-1-i])
	}
	Two(&e, &b[len(b)-1])
	Two[int, entry](nil, nil)
	for i := range xs {
		if xs[i] != uint64(i)*0x9E3779B97F4A7C15 {
			t.Fatalf("xs[%d] changed to %x", i, xs[i])
		}
	}
	if e != (entry{1, 2, 3}) {
		t.Fatalf("entry changed to %+v", e)
	}
}
