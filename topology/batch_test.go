package topology

import (
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// countSource is n requests numbered 0..n-1, and counts the calls of Next
// after it ended.
type countSource struct {
	n, i, after int
}

func (s *countSource) Next(r *workload.Request) bool {
	if s.i >= s.n {
		s.after++
		return false
	}
	*r = workload.Request{Object: uint64(s.i), Time: sim.Time(s.i)}
	s.i++
	return true
}

// TestBatchTakesEachRequestOnce: a batch hands out every request of its
// source once, in order, for sources ending inside a batch, at its end
// and at once, and asks an ended source nothing more.
func TestBatchTakesEachRequestOnce(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, batchLen - 1, batchLen, batchLen + 1, 3*batchLen + 17} {
		src := &countSource{n: n}
		var b batch
		var r workload.Request
		for i := range n {
			if !b.take(src, &r) {
				t.Fatalf("n=%d: ended after %d requests", n, i)
			}
			if r.Object != uint64(i) || r.Time != sim.Time(i) {
				t.Fatalf("n=%d: request %d is object %d at %d", n, i, r.Object, r.Time)
			}
		}
		for range 3 {
			if b.take(src, &r) {
				t.Fatalf("n=%d: a request after the source ended", n)
			}
		}
		if src.after != 1 {
			t.Fatalf("n=%d: Next called %d times after the source ended, want 1", n, src.after)
		}
	}
}
