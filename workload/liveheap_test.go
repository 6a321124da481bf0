package workload

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/cdnsim/cdnsim/sim"
)

// TestLiveHeapSiftsAsSimHeap: the same pushes, pops and top moves on a
// liveHeap and on the sim.Heap of whole entries it replaced give the same
// objects in the same order, ties included (times drawn from a few values,
// so most compare equal), and the freed slots are reused.
func TestLiveHeapSiftsAsSimHeap(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var h liveHeap
	var ref sim.Heap[live]
	next := uint64(0)
	peak := 0
	for op := range 200_000 {
		if h.Len() != ref.Len() {
			t.Fatalf("op %d: %d objects, the reference %d", op, h.Len(), ref.Len())
		}
		if h.Len() > 0 && (h.TopAt() != ref.Top().At || *h.Top() != ref.Top().Val) {
			t.Fatalf("op %d: top %v %+v, the reference %v %+v", op, h.TopAt(), *h.Top(), ref.Top().At, ref.Top().Val)
		}
		switch k := r.IntN(10); {
		case k < 4 || h.Len() == 0:
			at := sim.Time(r.IntN(64))
			if h.Len() > 0 {
				at += h.TopAt()
			}
			v := live{obj: next, left: uint32(r.IntN(9) + 1)}
			next++
			h.Push(at, v)
			ref.Push(sim.Item[live]{At: at, Val: v})
		case k < 7:
			at, v := h.Pop()
			want := ref.Pop()
			if at != want.At || v != want.Val {
				t.Fatalf("op %d: popped %v %+v, the reference %v %+v", op, at, v, want.At, want.Val)
			}
		default:
			at := h.TopAt() + sim.Time(r.IntN(16))
			h.Top().left++
			ref.Top().Val.left++
			h.FixTop(at)
			ref.Top().At = at
			ref.FixTop()
		}
		peak = max(peak, h.Len())
	}
	if len(h.vals) > peak {
		t.Errorf("%d entries allocated for at most %d live objects: freed slots are not reused", len(h.vals), peak)
	}
}

// TestLiveHeapPutsChildrenOnOneLine: a node's four children sit at a
// multiple of four keys (64 bytes) from the slice's start.
func TestLiveHeapPutsChildrenOnOneLine(t *testing.T) {
	if s := unsafe.Sizeof(liveKey{}); s != 16 {
		t.Fatalf("a key is %d bytes, want 16", s)
	}
	for i := range 100 {
		if first := heapPad + 4*i + 1; first%4 != 0 {
			t.Fatalf("node %d's children start at slot %d", i, first)
		}
	}
}
