package sim

import (
	"math/bits"

	"github.com/cdnsim/cdnsim/sim/hugepage"
	"github.com/cdnsim/cdnsim/sim/prefetch"
)

// Wheel is a priority queue of Items ordered by (At, Seq), like Heap, for
// millions of items whose times spread over hours: the workload
// generator's live objects, each waiting for its next request. A heap of
// millions of items misses the CPU cache at every level of every sift; a
// Wheel touches an item a few times in all, each time as part of a
// sequential pass.
//
// It is a hierarchical timing wheel (Varghese and Lauck, 1987, as kernel
// timers are kept) over time in units of 2^wheelShift ns (about a
// millisecond). Level l has 64 slots, each a 64^l-unit span of time; an
// item waits in the slot of the first level at which its unit differs from
// the wheel's current unit. When everything sooner is gone, the earliest
// non-empty slot of the lowest level is emptied: its items move down a
// level, or, at level 0 (a unit of their own), into a small heap (the
// run) from which they come out in (At, Seq) order. An item thus moves at most once
// per level, eight times in all, and typically two or three times.
//
// Slots are chains of fixed blocks from one pool, so memory follows the
// number of items (plus a partly filled block per non-empty slot), not the
// spread of their times, and nothing is allocated once the pool has grown
// to the most items held at once.
//
// Items pushed at or before the current unit (a newborn object whose
// first request comes before the earliest item held) go straight into the
// run, so any time may be pushed at any moment. The run is a heap, not a
// sorted slice, so that a wheel whose current unit ran far ahead of its
// pushes costs what a heap costs rather than a copy a push. (A first
// version sorted the run and inserted into it: a cloudfront-day shard,
// whose spikes, planned ahead, moved the current unit to hour 20 before
// the day began, spent 98% of its time moving the run up.) The zero value is an empty
// wheel.
type Wheel[P any] struct {
	run Heap[P] // items of units up to now
	now uint64  // the current unit: every item in a slot is of a later one
	n   int

	occ   [wheelLevels]uint64 // bit i of occ[l]: slot i of level l holds items
	slots [wheelLevels][wheelSlots]slotChain
	// The pool: block b is items[b*blockLen:][:blockLen], its count and
	// link in blocks[b]. The items are apart from the headers so that
	// 64-byte items stay aligned to cache lines.
	items  []Item[P]
	blocks []blockHead
	free   int32 // first free block, -1 for none (once the pool exists)
	inited bool

	// lo is the first unit of the earliest slot, when loOK: Before's
	// answer for the many times asked before anything held, without
	// looking at the levels. A slot newly filled or emptied unsets loOK.
	lo   uint64
	loOK bool
}

const (
	wheelShift  = 20 // a unit is 2^20 ns, 1.05 ms
	wheelBits   = 6  // 64 slots a level
	wheelSlots  = 1 << wheelBits
	wheelLevels = (64 - wheelShift + wheelBits - 1) / wheelBits // 8: every unit a uint64 of 44 bits can hold
	blockLen    = 16                                            // items a block: 1 KB of 64-byte items
)

// WheelSlack is the most room a Wheel keeps beyond its items and its
// run: a partly filled block for each slot.
const WheelSlack = wheelLevels * wheelSlots * blockLen

// slotChain is a slot's items: a list of blocks, appended to at last.
type slotChain struct{ first, last int32 }

type blockHead struct {
	n    int32 // items used
	next int32 // the next block of the chain or of the free list, -1 for none
}

// unitOf maps t to its unit, order preserved: the sign bit flipped makes
// int64 order uint64 order.
func unitOf(t Time) uint64 { return (uint64(t) ^ 1<<63) >> wheelShift }

// Len is the number of items.
func (w *Wheel[P]) Len() int { return w.n }

// Cap is the number of items the wheel has memory for: its pool's array
// (grown by doubling) and its run's.
func (w *Wheel[P]) Cap() int { return cap(w.items) + w.run.Cap() }

// Push adds it.
func (w *Wheel[P]) Push(it Item[P]) {
	w.n++
	w.place(it)
}

// place puts it in the run or in its slot, counting nothing.
func (w *Wheel[P]) place(it Item[P]) {
	u := unitOf(it.At)
	if u <= w.now {
		w.run.Push(it)
		return
	}
	l := (bits.Len64(u^w.now) - 1) / wheelBits
	w.appendSlot(l, int(u>>(wheelBits*l))&(wheelSlots-1), it)
}

func (w *Wheel[P]) appendSlot(l, s int, it Item[P]) {
	if !w.inited {
		w.free, w.inited = -1, true
		for l := range w.slots {
			for s := range w.slots[l] {
				w.slots[l][s] = slotChain{-1, -1}
			}
		}
	}
	c := &w.slots[l][s]
	if c.last < 0 || w.blocks[c.last].n == blockLen {
		b := w.newBlock()
		if c.last < 0 {
			c.first = b
		} else {
			w.blocks[c.last].next = b
		}
		c.last = b
		if w.occ[l]&(1<<s) == 0 {
			w.occ[l] |= 1 << s
			w.loOK = false
		}
	}
	h := &w.blocks[c.last]
	w.items[int(c.last)*blockLen+int(h.n)] = it
	h.n++
}

func (w *Wheel[P]) newBlock() int32 {
	b := w.free
	if b < 0 {
		w.blocks = append(w.blocks, blockHead{})
		if len(w.items) == cap(w.items) {
			// Double, and ask for huge pages: the blocks of millions of
			// items are read in no order the TLB can follow.
			t := hugepage.Make[Item[P]](len(w.items), 2*cap(w.items)+4*blockLen)
			copy(t, w.items)
			w.items = t
		}
		w.items = w.items[:len(w.items)+blockLen]
		b = int32(len(w.blocks) - 1)
	} else {
		w.free = w.blocks[b].next
	}
	w.blocks[b].n, w.blocks[b].next = 0, -1
	return b
}

// Top is the item Pop would return next, for reading or for changing in
// place before FixTop. It is valid until the next Push, Pop or FixTop; the
// wheel must not be empty.
func (w *Wheel[P]) Top() *Item[P] {
	if w.run.Len() == 0 {
		w.refill()
	}
	return w.run.Top()
}

// Before is the top item, as Top, if its At is before t, and nil
// otherwise (or if the wheel is empty). Where Top brings the wheel's
// current unit up to the earliest item's, however far ahead, Before
// brings it no further than t's: a caller that has requests of its own to
// give out until t (the generator's Zipf stream) keeps the current unit
// behind them, so that what it pushes meanwhile lands in the wheel's
// slots rather than in the run.
func (w *Wheel[P]) Before(t Time) *Item[P] {
	if w.run.Len() == 0 {
		limit := unitOf(t)
		if w.loOK && w.lo > limit {
			return nil
		}
		for w.run.Len() == 0 {
			if w.n == 0 {
				return nil
			}
			l, s, first := w.earliestSlot()
			if first > limit {
				// Every item held is of a unit after t's.
				w.lo, w.loOK = first, true
				return nil
			}
			w.empty(l, s, first)
		}
	}
	if it := w.run.Top(); it.At < t {
		return it
	}
	return nil
}

// Pop removes and returns the item with the smallest (At, Seq). Popping an
// empty wheel is a bug in the caller and panics.
func (w *Wheel[P]) Pop() Item[P] {
	if w.n == 0 {
		panic("sim: Pop on an empty Wheel")
	}
	it := *w.Top()
	w.run.dropTop()
	w.n--
	return it
}

// FixTop puts the top item, whose At or Seq grew through Top, back in its
// place: still in the run if it stays within the current unit, else in
// its slot.
func (w *Wheel[P]) FixTop() {
	top := w.Top()
	if unitOf(top.At) <= w.now {
		w.run.FixTop()
		return
	}
	it := *top
	w.run.dropTop()
	w.place(it)
}

// Drain removes every item, appending them to dst in (At, Seq) order, and
// leaves the wheel as a new one: its current unit back at the start. (Pop
// after Pop would leave the current unit at the last item's, and every
// item pushed afterwards before that in the run.)
func (w *Wheel[P]) Drain(dst []Item[P]) []Item[P] {
	for w.n > 0 {
		dst = append(dst, w.Pop())
	}
	*w = Wheel[P]{}
	return dst
}

// refill empties the earliest non-empty slot of the lowest non-empty level
// into the levels below, the current unit moving to the slot's first,
// until some items are of the current unit: they make the run.
func (w *Wheel[P]) refill() {
	if w.n == 0 {
		panic("sim: Top on an empty Wheel")
	}
	for w.run.Len() == 0 {
		w.empty(w.earliestSlot())
	}
}

// earliestSlot is the level and index of the slot that holds the earliest
// items, and its first unit: now's digits above level l, s at level l,
// zeros below. Every item in the slot is of that unit or a later one. The
// wheel must hold items outside its run.
func (w *Wheel[P]) earliestSlot() (l, s int, first uint64) {
	for w.occ[l] == 0 {
		l++
	}
	s = bits.TrailingZeros64(w.occ[l])
	hi := wheelBits * (l + 1) // < 64: l < wheelLevels
	return l, s, w.now>>hi<<hi | uint64(s)<<(wheelBits*l)
}

// empty moves the current unit to first, the first unit of slot s of
// level l, and the slot's items to the run (those of that unit) or
// to the levels below.
func (w *Wheel[P]) empty(l, s int, first uint64) {
	w.now, w.loOK = first, false
	c := w.slots[l][s]
	w.slots[l][s] = slotChain{-1, -1}
	w.occ[l] &^= 1 << s
	for b := c.first; b >= 0; {
		if next := w.blocks[b].next; next >= 0 {
			// Start loading the next block while this one is moved: the
			// blocks of a chain lie anywhere in the pool, each written long
			// ago, and the CPU's own prefetcher would find each only after
			// a miss or two.
			w.warmBlock(next)
		}
		// Index the pool afresh for every item: appendSlot may grow it.
		for i := int32(0); i < w.blocks[b].n; i++ {
			it := w.items[int(b)*blockLen+int(i)]
			if u := unitOf(it.At); u == w.now {
				w.run.Push(it)
			} else {
				l := (bits.Len64(u^w.now) - 1) / wheelBits
				w.appendSlot(l, int(u>>(wheelBits*l))&(wheelSlots-1), it)
			}
		}
		next := w.blocks[b].next
		w.blocks[b].next, w.free = w.free, b
		b = next
	}
}

// warmBlock starts loading block b's items and the next block's header.
func (w *Wheel[P]) warmBlock(b int32) {
	items := w.items[int(b)*blockLen:][:w.blocks[b].n]
	for i := range items {
		prefetch.Of(&items[i])
	}
	if next := w.blocks[b].next; next >= 0 {
		prefetch.Of(&w.blocks[next])
	}
}
