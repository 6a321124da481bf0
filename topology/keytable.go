package topology

import "math/bits"

// keyTable maps cache keys to a node's per-key state that lives briefly:
// its fetches in flight (request collapsing) and its cached error
// responses. Every miss at every tier looks both up, inserts a fetch and
// its fill removes it again, so these few operations ran in the request
// path's profile at a tenth of the whole simulation as Go maps (hashing,
// control-byte matching, tombstones on delete). A node holds only a few
// such keys at a time, so the table is small and stays in the CPU cache:
// open addressing with linear probing, Fibonacci hashing of the key, at
// most half full, and deletion by shifting the probe run back (Knuth's
// algorithm R), which leaves no tombstones behind. The zero value is an
// empty table.
type keyTable[V any] struct {
	slots []keySlot[V]
	n     int   // keys held
	shift uint8 // 64 - log2(len(slots))
}

type keySlot[V any] struct {
	key  uint64
	used bool
	val  V
}

// minKeySlots is a new table's size.
const minKeySlots = 16

// home is key's first slot.
func (t *keyTable[V]) home(key uint64) int {
	return int((key * 0x9E3779B97F4A7C15) >> t.shift)
}

// find is key's slot, or -1.
func (t *keyTable[V]) find(key uint64) int {
	if t.n == 0 {
		return -1
	}
	mask := len(t.slots) - 1
	for i := t.home(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if !s.used {
			return -1
		}
		if s.key == key {
			return i
		}
	}
}

// at is the value in slot i, a slot find returned.
func (t *keyTable[V]) at(i int) V { return t.slots[i].val }

// get is key's value and whether the table holds key.
func (t *keyTable[V]) get(key uint64) (V, bool) {
	if i := t.find(key); i >= 0 {
		return t.at(i), true
	}
	var zero V
	return zero, false
}

// put sets key's value.
func (t *keyTable[V]) put(key uint64, v V) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	i := t.home(key)
	for ; t.slots[i].used; i = (i + 1) & mask {
		if t.slots[i].key == key {
			t.slots[i].val = v
			return
		}
	}
	t.slots[i] = keySlot[V]{key: key, used: true, val: v}
	t.n++
}

// take removes key and returns its value, and whether the table held it.
func (t *keyTable[V]) take(key uint64) (V, bool) {
	i := t.find(key)
	if i < 0 {
		var zero V
		return zero, false
	}
	v := t.slots[i].val
	t.removeAt(i)
	return v, true
}

// removeAt empties slot i and moves back the entries after it in its
// probe run that would otherwise no longer be found (every entry must sit
// in the run that starts at its home slot).
func (t *keyTable[V]) removeAt(i int) {
	mask := len(t.slots) - 1
	t.slots[i] = keySlot[V]{}
	for j := (i + 1) & mask; t.slots[j].used; j = (j + 1) & mask {
		h := t.home(t.slots[j].key)
		// The entry at j may stay if its home lies cyclically in (i, j].
		var stays bool
		if i <= j {
			stays = i < h && h <= j
		} else {
			stays = i < h || h <= j
		}
		if stays {
			continue
		}
		t.slots[i] = t.slots[j]
		t.slots[j] = keySlot[V]{}
		i = j
	}
	t.n--
}

// len is the number of keys held.
func (t *keyTable[V]) len() int { return t.n }

// keep removes every key for which keep returns false (in no particular
// order).
func (t *keyTable[V]) keep(keep func(key uint64, v *V) bool) {
	if t.n == 0 {
		return
	}
	for i := 0; i < len(t.slots); {
		s := &t.slots[i]
		if s.used && !keep(s.key, &s.val) {
			// An entry from further on may move into slot i: look at it
			// there. (Where the probe run wraps round the end, one from
			// the table's start, seen already, may be seen twice.)
			t.removeAt(i)
			continue
		}
		i++
	}
}

// grow doubles the table (or makes the first one) and reinserts every key.
func (t *keyTable[V]) grow() {
	old := t.slots
	size := max(2*len(old), minKeySlots)
	t.slots = make([]keySlot[V], size)
	t.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	t.n = 0
	for i := range old {
		if old[i].used {
			t.put(old[i].key, old[i].val)
		}
	}
}
