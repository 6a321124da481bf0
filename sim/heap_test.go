package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestHeapMatchesASortedReference drives a Heap with Seq left 0, as the
// workload generator does, through random pushes, pops and top updates
// (FixTop after the top's At grows), against a sorted slice. Items are
// told apart by their payload, which carries no order: with ties the heap
// may return any of the tied items, so the check is on the times popped
// and on the multiset of payloads left.
func TestHeapMatchesASortedReference(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 3))
	var h Heap[int]
	var ref []Item[int] // sorted by At
	insert := func(it Item[int]) {
		i, _ := slices.BinarySearchFunc(ref, it, func(a, b Item[int]) int { return int(a.At - b.At) })
		ref = slices.Insert(ref, i, it)
	}
	remove := func(at Time, val int) {
		for i := range ref {
			if ref[i].At == at && ref[i].Val == val {
				ref = slices.Delete(ref, i, i+1)
				return
			}
		}
		t.Fatalf("item %d at %d not in the reference", val, at)
	}
	var base Time
	for step := range 100_000 {
		switch op := r.IntN(3); {
		case len(ref) == 0 || op == 0 && len(ref) < 2000:
			it := Item[int]{At: base + Time(r.IntN(50)), Val: step}
			h.Push(it)
			insert(it)
		case op == 1:
			got := h.Pop()
			if got.At != ref[0].At {
				t.Fatalf("step %d: Pop at %d, want %d", step, got.At, ref[0].At)
			}
			remove(got.At, got.Val)
			base = got.At
		default:
			top := h.Top()
			if top.At != ref[0].At {
				t.Fatalf("step %d: Top at %d, want %d", step, top.At, ref[0].At)
			}
			remove(top.At, top.Val)
			top.At += Time(r.IntN(50))
			insert(*top)
			h.FixTop()
		}
		if h.Len() != len(ref) {
			t.Fatalf("step %d: Len %d, want %d", step, h.Len(), len(ref))
		}
	}
	for i := 1; i < len(h.s); i++ {
		if p := (i - 1) / 4; h.s[i].before(&h.s[p]) {
			t.Fatalf("heap violated at %d", i)
		}
	}
}

func TestHeapPopEmptyPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("Pop on an empty heap did not panic")
		}
	}()
	var h Heap[struct{}]
	h.Pop()
}
