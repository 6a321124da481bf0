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
// An entry's record in words is its ID, and, in an index made withMeta
// (a Cache keeping TTLs), the object's freshness metadata after it: a
// 32-byte record, so that a lookup's ID check and the Cache's expiry check
// read one cache line, where an ID in one array and its metadata in
// another were two cache misses a lookup. An index
// without metadata (trace replay) keeps 8-byte records, the IDs alone.
//
// A slot holds the entry number + 1 in its low 32 bits and the top 32 bits
// of the key's hash in its high bits. Probing compares the hash bits first
// and reads the records (a random access into another array) only when they
// match: without them a lookup that misses read a record once per probe, which
// profiling showed as 40% of a whole simulation. The home slot is the
// hash's top bits too, so a slot gives its own home (slot >> shift):
// removal's backward shift and growth rehash without reading records, where
// reading them cost a cache miss per shifted slot. Two keys with the same
// home share the tag's top log2(len(slots)) bits, so the tag still tells
// them apart by its other 32 - log2(len(slots)) bits (1 in 1,024 false
// matches at 4M slots, each costing one record read).
type index struct {
	slots []uint64 // 0 = empty, else tag<<32 | (entry number + 1)
	// words holds the records: entry e's is words[e<<rec:][:1<<rec], the
	// ID of the object it holds first (stale for free entries).
	words []uint64
	rec   uint8   // log2 of a record's words: 0, or metaRec withMeta
	free  []int32 // released entry numbers, reused before words grows
	n     int     // live entries
	shift uint8   // 64 - log2(len(slots))
	// last is the entry number the latest insert returned (see lastOf).
	last int32
}

// minSlots is the initial table size; the table doubles from there as
// objects are inserted. Nothing is sized from a cache's capacity: a 10 TB
// cache holding a thousand objects has the tables of a thousand objects.
const minSlots = 16

// metaRec is rec for an index withMeta: four words, the ID and Meta's
// three.
const metaRec = 2

// withMeta makes x, which must be empty, keep a Meta in each record.
func (x *index) withMeta() {
	if len(x.words) > 0 {
		panic("cache: withMeta on an index that holds entries")
	}
	x.rec = metaRec
}

// id is the object entry e holds.
func (x *index) id(e int32) ObjectID { return ObjectID(x.words[int(e)<<x.rec]) }

// record is the first word of entry e's record, for prefetching.
func (x *index) record(e int32) *uint64 { return &x.words[int(e)<<x.rec] }

// entries is the number of entry numbers made so far, live or free.
func (x *index) entries() int { return len(x.words) >> x.rec }

// meta is entry e's metadata; x must be withMeta.
func (x *index) meta(e int32) Meta {
	i := int(e) << metaRec
	w := x.words[i : i+4 : i+4]
	return Meta{Expires: int64(w[1]), Born: int64(w[2]), Owner: w[3]}
}

// setMeta stores entry e's metadata; x must be withMeta.
func (x *index) setMeta(e int32, m Meta) {
	i := int(e) << metaRec
	w := x.words[i : i+4 : i+4]
	w[1], w[2], w[3] = uint64(m.Expires), uint64(m.Born), m.Owner
}

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
			if e := int32(uint32(s)) - 1; x.id(e) == id {
				return e
			}
		}
	}
}

// insert adds id, which must be absent, and returns its new entry number.
// The number is either a recycled one or entries()-1 after words grew by a
// record, so a policy appends to its own slices when e == len(its slices).
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
		i := int(e) << x.rec
		x.words[i] = uint64(id)
		if x.rec == metaRec {
			// A new entry has no metadata: a recycled record's is cleared.
			x.setMeta(e, Meta{})
		}
	} else {
		e = int32(x.entries())
		x.words = appendDoubling(x.words, uint64(id))
		if x.rec == metaRec {
			x.words = appendDoubling(x.words, 0)
			x.words = appendDoubling(x.words, 0)
			x.words = appendDoubling(x.words, 0)
		}
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
// was removed); id(last) == id tells whether the latest insert was of
// id. The caller must know that id is in the index.
func (x *index) lastOf(id ObjectID) int32 {
	if e := x.last; x.slots != nil && e >= 0 && int(e) < x.entries() && x.id(e) == id {
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
		if s&tagMask == tag && x.id(int32(uint32(s))-1) == id {
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
	i := x.home(x.id(e))
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
	return int64(cap(x.slots))*8 + int64(cap(x.words))*8 + int64(cap(x.free))*4
}
