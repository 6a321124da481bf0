package cache

import (
	"math/bits"

	"github.com/cdnsim/cdnsim/sim/hugepage"
)

// index maps ObjectIDs to dense entry numbers with an open-addressed,
// linear-probing table. Policies keep their per-entry state in slices
// indexed by entry number (struct-of-arrays, int32 links, no pointers for
// the GC to scan), and the index owns the ID of each entry so the table
// itself stores only 8-byte slots: 11 to 21 bytes a cached object between
// growths, where a Go map[uint64]int32 costs ~40.
//
// Entry numbers are recycled through a free list, so the policy's slices
// grow to the peak number of cached objects and no further.
//
// A slot holds the entry number + 1 in its low 32 bits and the top 32 bits
// of the key's hash in its high bits. Probing compares the hash bits first
// and reads ids (a random access into another array) only when they match:
// without them a lookup that misses read ids once per probe, which
// profiling showed as 40% of a whole simulation. The home slot is the
// hash's top bits too, so a slot gives its own home (slot >> shift):
// removal's backward shift and growth rehash without reading ids, where
// reading them cost a cache miss per shifted slot. Two keys with the same
// home share the tag's top log2(len(slots)) bits, so the tag still tells
// them apart by its other 32 - log2(len(slots)) bits (1 in 1,024 false
// matches at 4M slots, each costing one ids read).
type index struct {
	slots []uint64   // 0 = empty, else tag<<32 | (entry number + 1)
	ids   []ObjectID // ids[e] is the object held by entry e (stale for free entries)
	free  []int32    // released entry numbers, reused before ids grows
	n     int        // live entries
	shift uint8      // 64 - log2(len(slots))
	// last is the entry number the latest insert returned (see lastOf).
	last int32
}

// minSlots is the initial table size; the table doubles from there as
// objects are inserted. Nothing is sized from a cache's capacity: a 10 TB
// cache holding a thousand objects has the tables of a thousand objects.
const minSlots = 16

func (x *index) init() {
	x.slots = make([]uint64, minSlots)
	x.shift = 64 - 4
}

// hash is Fibonacci hashing: it spreads dense IDs (the simulator's catalog
// numbers) as well as random 64-bit trace IDs. The top bits pick the home
// slot and are the slot's tag.
func hash(id ObjectID) uint64 { return uint64(id) * 0x9E3779B97F4A7C15 }

// home is the preferred slot of id.
func (x *index) home(id ObjectID) uint64 { return hash(id) >> x.shift }

// tagMask keeps a slot's tag: the top 32 bits, the hash's.
const tagMask = 0xFFFFFFFF_00000000

// get returns id's entry number, or -1.
func (x *index) get(id ObjectID) int32 {
	if x.slots == nil {
		return -1
	}
	h := hash(id)
	tag := h & tagMask
	mask := uint64(len(x.slots) - 1)
	for i := h >> x.shift; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return -1
		}
		if s&tagMask == tag {
			if e := int32(uint32(s)) - 1; x.ids[e] == id {
				return e
			}
		}
	}
}

// insert adds id, which must be absent, and returns its new entry number.
// The number is either a recycled one or len(ids)-1 after ids grew by one,
// so a policy appends to its own slices when e == len(its slices).
func (x *index) insert(id ObjectID) int32 {
	if x.slots == nil {
		x.init()
	}
	// Grow at 3/4 load: linear probing's expected probe count stays below
	// 2.5 for hits up to there and rises steeply after.
	if (x.n+1)*4 > len(x.slots)*3 {
		x.grow()
	}
	var e int32
	if k := len(x.free); k > 0 {
		e = x.free[k-1]
		x.free = x.free[:k-1]
		x.ids[e] = id
	} else {
		e = int32(len(x.ids))
		x.ids = appendDoubling(x.ids, id)
	}
	x.place(id, e)
	x.n++
	x.last = e
	return e
}

// lastOf is id's entry number when id is in the index and was the latest
// insert, else -1, without a lookup: a Cache stores a newly admitted
// object's metadata through it. It is exact: entries are only made by
// insert, so if the latest insert was of id and id is in the index, that
// insert made its entry (id was absent then, and any entry it had before
// was removed); ids[last] == id tells whether the latest insert was of
// id. The caller must know that id is in the index.
func (x *index) lastOf(id ObjectID) int32 {
	if e := x.last; x.slots != nil && e >= 0 && int(e) < len(x.ids) && x.ids[e] == id {
		return e
	}
	return -1
}

func (x *index) place(id ObjectID, e int32) {
	mask := uint64(len(x.slots) - 1)
	h := hash(id)
	i := h >> x.shift
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = h&tagMask | uint64(e+1)
}

func (x *index) grow() {
	old := x.slots
	x.slots = hugepage.Make[uint64](2*len(old), 2*len(old))
	x.shift--
	mask := uint64(len(x.slots) - 1)
	for _, s := range old {
		if s != 0 {
			i := s >> x.shift
			for x.slots[i] != 0 {
				i = (i + 1) & mask
			}
			x.slots[i] = s
		}
	}
}

// remove deletes id and returns the entry number it had (now free), or -1.
// Deletion shifts later members of the probe run back instead of leaving
// tombstones, so lookups never slow down as objects come and go.
func (x *index) remove(id ObjectID) int32 {
	if x.slots == nil {
		return -1
	}
	slots := x.slots
	mask := uint64(len(slots) - 1)
	h := hash(id)
	tag := h & tagMask
	for i := h >> x.shift; ; i = (i + 1) & mask {
		s := slots[i]
		if s == 0 {
			return -1
		}
		if s&tagMask == tag && x.ids[int32(uint32(s))-1] == id {
			x.vacate(i)
			return int32(uint32(s)) - 1
		}
	}
}

// removeEntry deletes entry e, which must be in the index (ghost entries
// are). A slot names its entry, so the probe compares entry numbers and
// reads no IDs but e's.
func (x *index) removeEntry(e int32) {
	slots := x.slots
	mask := uint64(len(slots) - 1)
	want := uint32(e + 1)
	i := x.home(x.ids[e])
	for s := slots[i]; uint32(s) != want; s = slots[i] {
		if s == 0 {
			panic("cache: removeEntry of an entry not in the index")
		}
		i = (i + 1) & mask
	}
	x.vacate(i)
}

// vacate empties slot i, whose entry is being removed, frees the entry, and
// shifts the rest of the probe run back over the hole.
func (x *index) vacate(i uint64) {
	slots, shift := x.slots, x.shift
	mask := uint64(len(slots) - 1)
	e := int32(uint32(slots[i])) - 1
	hole := i
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		s := slots[j]
		if s == 0 {
			break
		}
		// Move s into the hole unless its home (from its tag) lies
		// cyclically in (hole, j]. Whether it moves is a coin toss to the
		// branch predictor, so the body has no branch: the hole's slot is
		// written either way, with s or with what it holds, through a mask.
		_, out := bits.Sub64((j-s>>(shift&63))&mask, (j-hole)&mask, 0) // 1 if s's home is in (hole, j]
		move := out - 1                                                // else all ones: move s
		slots[hole] = slots[hole]&^move | s&move
		hole = hole&^move | j&move
	}
	slots[hole] = 0
	x.free = append(x.free, e)
	x.n--
}

// len is the number of live entries.
func (x *index) len() int { return x.n }

// bytes is the memory the index holds, for the B/object benchmark metric.
func (x *index) bytes() int64 {
	return int64(cap(x.slots))*8 + int64(cap(x.ids))*8 + int64(cap(x.free))*4
}
