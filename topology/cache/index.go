package cache

// index maps ObjectIDs to dense entry numbers with an open-addressed,
// linear-probing table. Policies keep their per-entry state in slices
// indexed by entry number (struct-of-arrays, int32 links, no pointers for
// the GC to scan), and the index owns the ID of each entry so the table
// itself stores only 4-byte slots: at the maximum load factor that is under
// 6 bytes a cached object, where a Go map[uint64]int32 costs ~40.
//
// Entry numbers are recycled through a free list, so the policy's slices
// grow to the peak number of cached objects and no further.
type index struct {
	slots []int32    // 0 = empty, else entry number + 1
	ids   []ObjectID // ids[e] is the object held by entry e (stale for free entries)
	free  []int32    // released entry numbers, reused before ids grows
	n     int        // live entries
	shift uint8      // 64 - log2(len(slots))
}

// minSlots is the initial table size; the table doubles from there.
const minSlots = 16

func (x *index) init() {
	x.slots = make([]int32, minSlots)
	x.shift = 64 - 4
}

// home is the preferred slot of id: Fibonacci hashing spreads dense IDs
// (the simulator's catalog numbers) as well as random 64-bit trace IDs.
func (x *index) home(id ObjectID) uint64 {
	return (uint64(id) * 0x9E3779B97F4A7C15) >> x.shift
}

// get returns id's entry number, or -1.
func (x *index) get(id ObjectID) int32 {
	if x.slots == nil {
		return -1
	}
	mask := uint64(len(x.slots) - 1)
	for i := x.home(id); ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return -1
		}
		if x.ids[s-1] == id {
			return s - 1
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
		x.ids = append(x.ids, id)
	}
	x.place(id, e)
	x.n++
	return e
}

func (x *index) place(id ObjectID, e int32) {
	mask := uint64(len(x.slots) - 1)
	i := x.home(id)
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = e + 1
}

func (x *index) grow() {
	old := x.slots
	x.slots = make([]int32, 2*len(old))
	x.shift--
	for _, s := range old {
		if s != 0 {
			x.place(x.ids[s-1], s-1)
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
	mask := uint64(len(x.slots) - 1)
	i := x.home(id)
	for {
		s := x.slots[i]
		if s == 0 {
			return -1
		}
		if x.ids[s-1] == id {
			break
		}
		i = (i + 1) & mask
	}
	e := x.slots[i] - 1
	hole := i
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		s := x.slots[j]
		if s == 0 {
			break
		}
		h := x.home(x.ids[s-1])
		// Move s into the hole unless its home lies cyclically in (hole, j].
		if (j-h)&mask >= (j-hole)&mask {
			x.slots[hole] = s
			hole = j
		}
	}
	x.slots[hole] = 0
	x.free = append(x.free, e)
	x.n--
	return e
}

// len is the number of live entries.
func (x *index) len() int { return x.n }

// bytes is the memory the index holds, for the B/object benchmark metric.
func (x *index) bytes() int64 {
	return int64(cap(x.slots))*4 + int64(cap(x.ids))*8 + int64(cap(x.free))*4
}
