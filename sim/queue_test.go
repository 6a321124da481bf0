package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestQueuePopsInTimeOrder(t *testing.T) {
	t.Parallel()
	var q Queue
	for _, at := range []Time{50, 10, 40, 30, 20, 0, 60} {
		q.Push(Event{At: at, Arg: uint64(at)})
	}
	if q.Len() != 7 {
		t.Fatalf("Len = %d, want 7", q.Len())
	}
	want := []Time{0, 10, 20, 30, 40, 50, 60}
	for i, w := range want {
		p, ok := q.Peek()
		if !ok || p.At != w {
			t.Fatalf("pop %d: Peek = %v, %v; want At %d", i, p, ok, w)
		}
		e := q.Pop()
		if e != p {
			t.Fatalf("pop %d: Pop = %+v, Peek said %+v", i, e, p)
		}
		if e.Arg != uint64(w) {
			t.Fatalf("pop %d: Arg = %d, want %d (payload travels with its time)", i, e.Arg, w)
		}
	}
	if _, ok := q.Peek(); ok || q.Len() != 0 {
		t.Fatalf("queue not empty after popping everything: Len %d", q.Len())
	}
}

func TestQueueTiesPopInPushOrder(t *testing.T) {
	t.Parallel()
	var q Queue
	// Interleave two instants; the Seq the caller passes is ignored.
	for i := range 20 {
		q.Push(Event{At: Time(i % 2), Seq: 999, Arg: uint64(i)})
	}
	var got []uint64
	for q.Len() > 0 {
		got = append(got, q.Pop().Arg)
	}
	want := []uint64{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	if !slices.Equal(got, want) {
		t.Fatalf("pop order %v, want %v", got, want)
	}
}

func TestQueueSeqKeepsCountingAcrossPops(t *testing.T) {
	t.Parallel()
	var q Queue
	q.Push(Event{At: 5, Arg: 1})
	q.Pop()
	// A later push at the same time must still sort after an earlier one
	// that is still queued, so Seq is never reused.
	q.Push(Event{At: 7, Arg: 2})
	q.Push(Event{At: 7, Arg: 3})
	if a, b := q.Pop(), q.Pop(); a.Arg != 2 || b.Arg != 3 || a.Seq != 1 || b.Seq != 2 {
		t.Fatalf("got %+v then %+v; want Arg 2 (Seq 1) then Arg 3 (Seq 2)", a, b)
	}
}

func TestQueuePopEmptyPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("Pop on an empty queue did not panic")
		}
	}()
	var q Queue
	q.Pop()
}

// TestQueueMatchesSortedList drives the queue and a brute-force reference (a
// slice kept sorted by (At, Seq)) with the same random pushes and pops; every
// pop and every Peek must agree. Times come from a small range so that ties
// are common.
func TestQueueMatchesSortedList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		span   int64   // times drawn from [base, base+span)
		pushes float64 // probability that a step pushes
		max    int     // ... unless the queue holds this many (bounds the reference's O(n) inserts)
		steps  int
	}{
		{"with many ties and a mostly empty queue", 4, 0.5, 1 << 30, 200_000},
		{"with few ties and a growing queue", 1 << 40, 0.7, 5000, 40_000},
		{"with moderate ties and a deep queue", 64, 0.9, 3000, 40_000},
		// A random walk of the queue's length between 0 and 100 crosses
		// smallMax (to the heap) and smallMax/4 (back) dozens of times.
		{"crossing between its sorted slice and its heap", 16, 0.5, 100, 400_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(1, uint64(tc.span)))
			var q Queue
			var ref []Event
			var seq uint64
			var base Time // the last popped time: pushes never go before it, as in the engine
			var toBig, toSmall int
			for step := range tc.steps {
				wasBig := q.big
				if len(ref) == 0 || len(ref) < tc.max && r.Float64() < tc.pushes {
					e := Event{At: base + Time(r.Int64N(tc.span)), Kind: uint32(step), Arg: r.Uint64()}
					q.Push(e)
					e.Seq = seq
					seq++
					i, _ := slices.BinarySearchFunc(ref, e, cmpEvent)
					ref = slices.Insert(ref, i, e)
				} else {
					got := q.Pop()
					want := ref[0]
					ref = ref[1:]
					if got != want {
						t.Fatalf("step %d: Pop = %+v, want %+v", step, got, want)
					}
					base = got.At
				}
				if q.Len() != len(ref) {
					t.Fatalf("step %d: Len = %d, want %d", step, q.Len(), len(ref))
				}
				switch {
				case q.big && !wasBig:
					toBig++
				case wasBig && !q.big:
					toSmall++
				}
				if q.big != (len(ref) > smallMax || wasBig && len(ref) > smallMax/4) {
					t.Fatalf("step %d: %d events, big %v (was %v)", step, len(ref), q.big, wasBig)
				}
				if p, ok := q.Peek(); ok != (len(ref) > 0) || ok && p != ref[0] {
					t.Fatalf("step %d: Peek = %+v, %v; want %+v", step, p, ok, ref)
				}
			}
			if tc.max == 100 && (toBig < 20 || toSmall < 20) {
				t.Fatalf("the queue moved to its heap %d times and back %d: too few to test the moves", toBig, toSmall)
			}
		})
	}
}

// earlier is the queue's order: by At, then Seq.
func earlier(a, b *Event) bool {
	return a.At < b.At || (a.At == b.At && a.Seq < b.Seq)
}

func cmpEvent(a, b Event) int {
	switch {
	case earlier(&a, &b):
		return -1
	case earlier(&b, &a):
		return 1
	}
	return 0
}
