package cache

// keyHeap is an indexed binary min-heap of entry numbers keyed by int64:
// pointer-free, no interface calls, and O(log n) update and removal of any
// member because pos records where each entry sits. Entry numbers are the
// index's, so pos is indexed like a policy's other per-entry slices.
//
// belady keys it by negated next-use time (a max-heap of next use); lfu,
// gdsf and friends can key it by frequency or priority directly.
type keyHeap struct {
	items []heapItem // heap order: items[0] has the smallest key
	pos   []int32    // pos[e] = position of entry e in items, -1 if absent
}

type heapItem struct {
	key int64
	e   int32
}

func (h *keyHeap) len() int { return len(h.items) }

// has reports whether entry e is in the heap.
func (h *keyHeap) has(e int32) bool { return int(e) < len(h.pos) && h.pos[e] >= 0 }

// push adds entry e, which must be absent, with the given key.
func (h *keyHeap) push(e int32, key int64) {
	for int(e) >= len(h.pos) {
		h.pos = append(h.pos, -1)
	}
	h.items = append(h.items, heapItem{key: key, e: e})
	i := len(h.items) - 1
	h.pos[e] = int32(i)
	h.up(i)
}

// top returns the entry with the smallest key; the heap must not be empty.
func (h *keyHeap) top() (int32, int64) { return h.items[0].e, h.items[0].key }

// key returns entry e's key; e must be present.
func (h *keyHeap) key(e int32) int64 { return h.items[h.pos[e]].key }

// pop removes and returns the entry with the smallest key.
func (h *keyHeap) pop() int32 {
	e := h.items[0].e
	h.removeAt(0)
	return e
}

// remove drops entry e if present.
func (h *keyHeap) remove(e int32) {
	if h.has(e) {
		h.removeAt(int(h.pos[e]))
	}
}

// update changes entry e's key; e must be present.
func (h *keyHeap) update(e int32, key int64) {
	i := int(h.pos[e])
	old := h.items[i].key
	h.items[i].key = key
	if key < old {
		h.up(i)
	} else {
		h.down(i)
	}
}

func (h *keyHeap) removeAt(i int) {
	e := h.items[i].e
	last := len(h.items) - 1
	if i != last {
		h.items[i] = h.items[last]
		h.pos[h.items[i].e] = int32(i)
	}
	h.items = h.items[:last]
	h.pos[e] = -1
	if i != last {
		if !h.up(i) {
			h.down(i)
		}
	}
}

// up sifts items[i] toward the root; it reports whether it moved.
func (h *keyHeap) up(i int) bool {
	it := h.items[i]
	start := i
	for i > 0 {
		p := (i - 1) / 2
		if h.items[p].key <= it.key {
			break
		}
		h.items[i] = h.items[p]
		h.pos[h.items[i].e] = int32(i)
		i = p
	}
	h.items[i] = it
	h.pos[it.e] = int32(i)
	return i != start
}

func (h *keyHeap) down(i int) {
	it := h.items[i]
	n := len(h.items)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h.items[r].key < h.items[c].key {
			c = r
		}
		if h.items[c].key >= it.key {
			break
		}
		h.items[i] = h.items[c]
		h.pos[h.items[i].e] = int32(i)
		i = c
	}
	h.items[i] = it
	h.pos[it.e] = int32(i)
}

// bytes is the memory the heap holds, for the B/object benchmark metric.
func (h *keyHeap) bytes() int64 { return int64(cap(h.items))*16 + int64(cap(h.pos))*4 }
