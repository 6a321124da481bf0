package sim

// Item is an entry of a Heap: a payload and the time that orders it.
type Item[P any] struct {
	At  Time
	Seq uint64 // orders items with equal At; a Heap does not assign it
	Val P
}

// before reports whether a comes out of a heap before b.
func (a *Item[P]) before(b *Item[P]) bool {
	return a.At < b.At || (a.At == b.At && a.Seq < b.Seq)
}

// Heap is a min-heap of Items ordered by (At, Seq): a 4-ary heap on a slice
// of values, as the Go runtime keeps its timers. A 4-ary heap is half as
// deep as a binary one, and the four children of a node sit in adjacent
// slots, so a pop touches fewer cache lines than a binary heap's. The
// payload is a type parameter rather than an interface so that the
// ordering compiles to two compares, and a pointer-free P keeps a heap of
// millions of items invisible to the garbage collector. The zero value is
// an empty heap.
//
// Queue is a Heap of events with Seq counting pushes (FIFO ties); a
// Wheel hands out each unit's items from one (its run).
type Heap[P any] struct {
	s []Item[P]
}

// Len is the number of items.
func (h *Heap[P]) Len() int { return len(h.s) }

// Cap is the number of items the heap holds without growing: its memory.
func (h *Heap[P]) Cap() int { return cap(h.s) }

// Push adds it.
func (h *Heap[P]) Push(it Item[P]) {
	h.s = append(h.s, it)
	h.up(len(h.s) - 1)
}

// Top is the item Pop would return next, for reading or for changing in
// place before FixTop. It is valid until the next Push or Pop; the heap
// must not be empty.
func (h *Heap[P]) Top() *Item[P] { return &h.s[0] }

// Pop removes and returns the item with the smallest (At, Seq). Popping an
// empty heap is a bug in the caller and panics.
func (h *Heap[P]) Pop() Item[P] {
	if len(h.s) == 0 {
		panic("sim: Pop on an empty Heap")
	}
	top := h.s[0]
	h.dropTop()
	return top
}

// dropTop removes the top item of a non-empty heap. It is small enough to
// inline into Queue.Pop, which thus calls only down.
func (h *Heap[P]) dropTop() {
	n := len(h.s) - 1
	last := h.s[n]
	h.s = h.s[:n]
	if n > 0 {
		h.down(last)
	}
}

// FixTop restores the order after the top item's At or Seq grew (through
// Top): cheaper than a Pop and a Push.
func (h *Heap[P]) FixTop() { h.down(h.s[0]) }

// up moves s[i] towards the root until its parent comes before it. It
// carries the item in a local and writes it once, instead of swapping at
// every level.
func (h *Heap[P]) up(i int) {
	s := h.s
	it := s[i]
	for i > 0 {
		p := (i - 1) / 4
		if !it.before(&s[p]) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = it
}

// down places it, which replaces the root, by moving the hole at the root
// down past every child that comes before it.
func (h *Heap[P]) down(it Item[P]) {
	s := h.s
	n := len(s)
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		// Smallest of up to four children.
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if s[j].before(&s[m]) {
				m = j
			}
		}
		if !s[m].before(&it) {
			break
		}
		s[i] = s[m]
		i = m
	}
	s[i] = it
}
