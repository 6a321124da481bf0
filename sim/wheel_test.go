package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// wheelRef is the reference a Wheel is checked against: a slice kept
// sorted by (At, Seq).
type wheelRef []Item[int]

func (r *wheelRef) insert(it Item[int]) {
	i, _ := slices.BinarySearchFunc(*r, it, func(a, b Item[int]) int {
		if a.before(&b) {
			return -1
		}
		return 1
	})
	*r = slices.Insert(*r, i, it)
}

// gap draws how far after base an item is pushed: mostly within a unit or
// a few, sometimes seconds or hours ahead, now and then before base (a
// newborn object's first request before the earliest item held), and
// sometimes exactly at base (ties, which Seq orders).
func gap(r *rand.Rand) Time {
	switch r.IntN(8) {
	case 0:
		return 0
	case 1:
		return Time(r.IntN(1 << wheelShift))
	case 2:
		return Time(r.IntN(64 << wheelShift))
	case 3:
		return Time(r.Int64N(int64(10 * Second)))
	case 4:
		return Time(r.Int64N(int64(30 * Hour)))
	case 5:
		return -Time(r.Int64N(int64(Second)))
	case 6:
		return Time(r.Int64N(1 << 62))
	default:
		return Time(r.IntN(1000))
	}
}

// TestWheelMatchesASortedReference drives a Wheel through random pushes,
// pops, top updates and Before against a sorted slice: every item must come out
// exactly in (At, Seq) order, ties included, over times from nanoseconds
// to decades apart, negative ones, and pushes before the earliest item
// held.
func TestWheelMatchesASortedReference(t *testing.T) {
	t.Parallel()
	for _, start := range []Time{0, -5 * Hour, 1 << 61} {
		r := rand.New(rand.NewPCG(7, uint64(start)))
		var w Wheel[int]
		var ref wheelRef
		base := start
		var seq uint64
		for step := range 200_000 {
			if r.IntN(4) == 0 {
				// Before a time near the earliest item, either side.
				at := base + gap(r)
				got := w.Before(at)
				switch {
				case len(ref) > 0 && ref[0].At < at:
					if got == nil || *got != ref[0] {
						t.Fatalf("start %d, step %d: Before(%d) = %v, want %+v", start, step, at, got, ref[0])
					}
				case got != nil:
					t.Fatalf("start %d, step %d: Before(%d) = %+v, want nil (earliest %v)", start, step, at, *got, ref[:min(1, len(ref))])
				}
			}
			switch op := r.IntN(3); {
			case len(ref) == 0 || op == 0 && len(ref) < 3000:
				it := Item[int]{At: base + gap(r), Seq: seq, Val: step}
				seq++
				w.Push(it)
				ref.insert(it)
			case op == 1:
				got := w.Pop()
				if got != ref[0] {
					t.Fatalf("start %d, step %d: Pop %+v, want %+v", start, step, got, ref[0])
				}
				ref = ref[1:]
				base = got.At
			default:
				top := w.Top()
				if *top != ref[0] {
					t.Fatalf("start %d, step %d: Top %+v, want %+v", start, step, *top, ref[0])
				}
				base = top.At
				ref = ref[1:]
				top.At += gap(r)
				top.Seq = seq
				seq++
				ref.insert(*top)
				w.FixTop()
			}
			if w.Len() != len(ref) {
				t.Fatalf("start %d, step %d: Len %d, want %d", start, step, w.Len(), len(ref))
			}
		}
		for len(ref) > 0 {
			if got := w.Pop(); got != ref[0] {
				t.Fatalf("start %d, draining: Pop %+v, want %+v", start, got, ref[0])
			}
			ref = ref[1:]
		}
		if w.Len() != 0 {
			t.Fatalf("start %d: Len %d after draining", start, w.Len())
		}
	}
}

// TestWheelPopsAHandWorkedOrder pushes five items by hand: two tied at one
// instant (Seq decides), one a nanosecond later in the same unit, one in
// the next unit and one an hour on.
func TestWheelPopsAHandWorkedOrder(t *testing.T) {
	t.Parallel()
	var w Wheel[string]
	for _, it := range []Item[string]{
		{At: Hour + 5, Seq: 1, Val: "hour"},
		{At: 7, Seq: 9, Val: "b"},
		{At: 8, Seq: 0, Val: "c"},
		{At: 7, Seq: 3, Val: "a"},
		{At: 1<<wheelShift + 7, Seq: 2, Val: "next unit"},
	} {
		w.Push(it)
	}
	var got []string
	for w.Len() > 0 {
		got = append(got, w.Pop().Val)
	}
	want := []string{"a", "b", "c", "next unit", "hour"}
	if !slices.Equal(got, want) {
		t.Fatalf("popped %q, want %q", got, want)
	}
}

// TestWheelBeforeLooksNoFurtherThanAsked asks Before about times around
// items in one unit far ahead (level 1 of the wheel, then level 0): it
// must name the earliest item exactly when that item is before the time
// asked, and must not move the current unit past the time asked (Top
// would move it to the earliest item's).
func TestWheelBeforeLooksNoFurtherThanAsked(t *testing.T) {
	t.Parallel()
	const unit = 1 << wheelShift
	var w Wheel[string]
	far := Time(100*unit + 7)
	w.Push(Item[string]{At: far + 50, Seq: 1, Val: "later"})
	w.Push(Item[string]{At: far, Seq: 2, Val: "first"})
	for _, c := range []struct {
		at   Time
		want string
	}{
		{0, ""}, {99 * unit, ""}, {far - 7, ""}, {far, ""}, {far + 1, "first"}, {far + 10_000, "first"},
	} {
		got := w.Before(c.at)
		if (got == nil) != (c.want == "") || got != nil && got.Val != c.want {
			t.Errorf("Before(%d) = %v, want %q", c.at, got, c.want)
		}
		if w.now > unitOf(c.at) {
			t.Errorf("Before(%d) moved the current unit to %d, past the time's %d", c.at, w.now, unitOf(c.at))
		}
	}
	// Before(far + 1) emptied far's unit into the run; an item
	// pushed now at unit 50, before the current unit, goes into the run
	// and comes out first.
	w.Push(Item[string]{At: 50*unit + 3, Seq: 3, Val: "early"})
	if got := w.Before(60 * unit); got == nil || got.Val != "early" {
		t.Errorf("Before(60 units) = %v, want early", got)
	}
	var got []string
	for w.Len() > 0 {
		got = append(got, w.Pop().Val)
	}
	if want := []string{"early", "first", "later"}; !slices.Equal(got, want) {
		t.Errorf("popped %q, want %q", got, want)
	}
	// An item pushed into an earlier slot than any held must be seen by
	// the next Before, which had found nothing before 10 units.
	var v Wheel[string]
	v.Push(Item[string]{At: 100 * unit, Val: "far"})
	if got := v.Before(10 * unit); got != nil {
		t.Errorf("Before(10 units) = %+v, want nil", *got)
	}
	v.Push(Item[string]{At: 5 * unit, Val: "near"})
	if got := v.Before(10 * unit); got == nil || got.Val != "near" {
		t.Errorf("Before(10 units) after a push at 5 = %v, want near", got)
	}
	var empty Wheel[int]
	if empty.Before(Hour) != nil {
		t.Error("Before on an empty wheel is not nil")
	}
}

// TestWheelDrainStartsAfresh drains a wheel whose last item is a day
// ahead: the items come out in order, and the wheel is new again, so that
// items pushed afterwards, hours before that last one, go to its slots
// rather than all into its run (which a cloudfront-day shard's planned
// spikes did, at a copy of the run a push).
func TestWheelDrainStartsAfresh(t *testing.T) {
	t.Parallel()
	var w Wheel[int]
	for i, at := range []Time{24 * Hour, Hour, 2 * Hour} {
		w.Push(Item[int]{At: at, Seq: uint64(i), Val: i})
	}
	got := w.Drain(nil)
	if len(got) != 3 || got[0].Val != 1 || got[1].Val != 2 || got[2].Val != 0 {
		t.Fatalf("drained %+v, want items 1, 2, 0", got)
	}
	if w.Len() != 0 || w.now != 0 {
		t.Fatalf("after Drain: Len %d, current unit %d; want a new wheel", w.Len(), w.now)
	}
	for i := range 100 {
		w.Push(Item[int]{At: Time(i) * Minute, Seq: uint64(i)})
	}
	if w.run.Len() > 1 {
		t.Errorf("%d of 100 items pushed after Drain went to the run", w.run.Len())
	}
	for i := range 100 {
		if it := w.Pop(); it.At != Time(i)*Minute {
			t.Fatalf("pop %d at %v, want %v", i, it.At, Time(i)*Minute)
		}
	}
}

// TestWheelMemoryFollowsItsItems holds about 10,000 items, spread over a
// day, through two million top updates: the pool must stay within twice
// the items held plus one partly filled block per slot, and a steady state
// allocates nothing. (Not parallel: AllocsPerRun.)
func TestWheelMemoryFollowsItsItems(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var w Wheel[[4]uint64]
	var seq uint64
	for range 10_000 {
		w.Push(Item[[4]uint64]{At: Time(r.Int64N(int64(24 * Hour))), Seq: seq})
		seq++
	}
	step := func() {
		top := w.Top()
		top.At += Time(r.Int64N(int64(Hour)))
		top.Seq = seq
		seq++
		w.FixTop()
	}
	for range 1_000_000 {
		step()
	}
	bound := 2 * (10_000 + WheelSlack) // the pool's array grows by doubling
	if w.Cap() > bound {
		t.Errorf("capacity %d for 10,000 items, want ≤ %d", w.Cap(), bound)
	}
	if a := testing.AllocsPerRun(1_000_000, step); a != 0 {
		t.Errorf("%v allocations a top update in a steady state, want 0", a)
	}
	if w.Len() != 10_000 {
		t.Errorf("Len %d, want 10,000", w.Len())
	}
}

// BenchmarkWheel and BenchmarkHeapLive update the top of a queue of a
// million 64-byte items (the workload generator's live objects), each
// moved on by up to an hour: the generator's use.
func BenchmarkWheel(b *testing.B) {
	var w Wheel[[6]uint64]
	benchLive(b, w.Push, w.Top, w.FixTop)
}

func BenchmarkHeapLive(b *testing.B) {
	var h Heap[[6]uint64]
	benchLive(b, h.Push, h.Top, h.FixTop)
}

func benchLive(b *testing.B, push func(Item[[6]uint64]), top func() *Item[[6]uint64], fix func()) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 1 << 20 {
		push(Item[[6]uint64]{At: Time(r.Int64N(int64(Hour))), Seq: uint64(i)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := top()
		t.At += Time(r.Int64N(int64(Hour)))
		fix()
	}
}
