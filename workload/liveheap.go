package workload

import "github.com/cdnsim/cdnsim/sim"

// liveHeap holds the live objects keyed by the time of each one's next
// request: a 4-ary min-heap of keys (a time and the index of the object's
// entry), with the entries apart, in a slab whose freed slots are reused.
//
// At cloudfront-day's scale a generator holds millions of live objects
// (every image of the last hours with a request to come) and advances the
// heap on nearly every request it emits. Keyed by whole entries, as
// sim.Heap keeps them, each level of a sift read four 56-byte children,
// four cache lines from memory: 21% of a shard's time went there. Keys of
// 16 bytes put a node's four children on one 64-byte line, the slab is
// read once per request, at the top. The sift is sim.Heap's, step for
// step (an entry's time alone orders it; ties fall as the sift leaves
// them), so the stream is the same request for request.
type liveHeap struct {
	// keys[heapPad:] is the heap. The pad puts each node's children,
	// 4i+1..4i+4, at a multiple of four slots: on one line of a slice
	// aligned to 64 bytes, as the large ones Go allocates are.
	keys []liveKey
	vals []live
	free []uint32
}

const heapPad = 3

type liveKey struct {
	at  sim.Time
	idx uint32
}

// Len is the number of live objects.
func (h *liveHeap) Len() int { return max(len(h.keys)-heapPad, 0) }

// Cap is the most objects it holds without growing: its memory.
func (h *liveHeap) Cap() int { return max(cap(h.keys)-heapPad, cap(h.vals)) }

// TopAt is the earliest next request's time; the heap must not be empty.
func (h *liveHeap) TopAt() sim.Time { return h.keys[heapPad].at }

// Top is the object of the earliest next request, valid until the next
// Push or Pop; the heap must not be empty.
func (h *liveHeap) Top() *live { return &h.vals[h.keys[heapPad].idx] }

// Push adds v with its next request at at.
func (h *liveHeap) Push(at sim.Time, v live) {
	var idx uint32
	if n := len(h.free); n > 0 {
		idx = h.free[n-1]
		h.free = h.free[:n-1]
		h.vals[idx] = v
	} else {
		idx = uint32(len(h.vals))
		h.vals = append(h.vals, v)
	}
	if h.keys == nil {
		h.keys = make([]liveKey, heapPad, heapPad+64)
	}
	h.keys = append(h.keys, liveKey{at: at, idx: idx})
	h.up(len(h.keys) - 1 - heapPad)
}

// Pop removes the top object and returns its time and entry.
func (h *liveHeap) Pop() (sim.Time, live) {
	top := h.keys[heapPad]
	v := h.vals[top.idx]
	h.free = append(h.free, top.idx)
	n := len(h.keys) - 1
	last := h.keys[n]
	h.keys = h.keys[:n]
	if n > heapPad {
		h.down(last)
	}
	return top.at, v
}

// FixTop moves the top object's next request to at, no earlier than it
// was, and restores the order.
func (h *liveHeap) FixTop(at sim.Time) {
	k := h.keys[heapPad]
	k.at = at
	h.down(k)
}

// up moves heap slot i towards the root until its parent comes first.
func (h *liveHeap) up(i int) {
	s := h.keys[heapPad:]
	k := s[i]
	for i > 0 {
		p := (i - 1) / 4
		if !(k.at < s[p].at) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = k
}

// down places k, which replaces the root, past every child that comes
// before it.
func (h *liveHeap) down(k liveKey) {
	s := h.keys[heapPad:]
	n := len(s)
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if s[j].at < s[m].at {
				m = j
			}
		}
		if !(s[m].at < k.at) {
			break
		}
		s[i] = s[m]
		i = m
	}
	s[i] = k
}
