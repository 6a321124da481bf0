package cache

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// gdsf is GreedyDual-Size-Frequency (Cherkasova, 1998): each object has a
// priority H = L + freq × cost / size with cost 1, the object with the
// lowest H is evicted, and the clock L is inflated to the evicted H, so
// objects that stop being requested age out. Small, frequently requested
// objects stay: it optimises the object hit ratio.
//
// As in libCacheSim's GDSF.cpp, freq is 1 on insertion and H is recomputed
// from the current L on every hit; ties go to the object updated longest
// ago. The heap is a hand-typed binary min-heap of entry numbers with each
// entry's position, so a hit's re-keying is O(log n) and nothing allocates.
type gdsf struct {
	cap   int64
	used  int64
	l     float64 // the inflation clock: H of the last eviction
	clock uint64  // logical time of the last update, for tie-breaking
	idx   index
	size  []int64
	freq  []uint32
	pri   []float64
	seq   []uint64
	pos   []int32 // pos[e] = e's slot in heap
	heap  []int32 // entry numbers, heap[0] has the lowest (pri, seq)
}

func init() { registerPolicy("gdsf", func(c Config) Policy { return newGDSF(c.Capacity) }) }

func newGDSF(capacity int64) *gdsf { return &gdsf{cap: capacity} }

func (c *gdsf) Name() string              { return "gdsf" }
func (c *gdsf) Used() int64               { return c.used }
func (c *gdsf) Capacity() int64           { return c.cap }
func (c *gdsf) Len() int                  { return len(c.heap) }
func (c *gdsf) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }

func (c *gdsf) less(a, b int32) bool {
	if c.pri[a] != c.pri[b] {
		return c.pri[a] < c.pri[b]
	}
	return c.seq[a] < c.seq[b]
}

func (c *gdsf) priority(e int32) float64 {
	return c.l + float64(c.freq[e])/float64(c.size[e])
}

func (c *gdsf) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	c.clock++
	if c.freq[e] < 1<<31 {
		c.freq[e]++
	}
	c.pri[e] = c.priority(e)
	c.seq[e] = c.clock
	// H only grows on a hit (L never falls), so the entry can only sink.
	c.down(int(c.pos[e]))
	return true
}

func (c *gdsf) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	for r.Size > c.cap-c.used {
		e := c.heap[0]
		c.l = c.pri[e]
		victims = append(victims, c.idx.id(e))
		c.drop(e)
	}
	c.clock++
	e := c.idx.insert(r.ID)
	if int(e) == len(c.size) {
		c.size = append(c.size, 0)
		c.freq = append(c.freq, 0)
		c.pri = append(c.pri, 0)
		c.seq = append(c.seq, 0)
		c.pos = append(c.pos, 0)
	}
	c.size[e], c.freq[e], c.seq[e] = r.Size, 1, c.clock
	c.pri[e] = c.priority(e)
	c.used += r.Size
	c.pos[e] = int32(len(c.heap))
	c.heap = append(c.heap, e)
	c.up(len(c.heap) - 1)
	return victims, true
}

// drop removes entry e from the heap and the index.
func (c *gdsf) drop(e int32) {
	i := int(c.pos[e])
	last := len(c.heap) - 1
	if i != last {
		c.swap(i, last)
	}
	c.heap = c.heap[:last]
	if i != last {
		if !c.up(i) {
			c.down(i)
		}
	}
	c.used -= c.size[e]
	c.idx.removeEntry(e)
}

func (c *gdsf) swap(i, j int) {
	c.heap[i], c.heap[j] = c.heap[j], c.heap[i]
	c.pos[c.heap[i]] = int32(i)
	c.pos[c.heap[j]] = int32(j)
}

func (c *gdsf) up(i int) bool {
	moved := false
	for i > 0 {
		p := (i - 1) / 2
		if !c.less(c.heap[i], c.heap[p]) {
			break
		}
		c.swap(i, p)
		i, moved = p, true
	}
	return moved
}

func (c *gdsf) down(i int) {
	n := len(c.heap)
	for {
		m, l := i, 2*i+1
		if l < n && c.less(c.heap[l], c.heap[m]) {
			m = l
		}
		if r := l + 1; r < n && c.less(c.heap[r], c.heap[m]) {
			m = r
		}
		if m == i {
			return
		}
		c.swap(i, m)
		i = m
	}
}

func (c *gdsf) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.drop(e)
	return true
}

// Victim is the lowest-priority object.
func (c *gdsf) Victim() (ObjectID, bool) {
	if len(c.heap) == 0 {
		return 0, false
	}
	return c.idx.id(c.heap[0]), true
}

// state renders "L:l|id:H,..." in eviction order.
func (c *gdsf) state() string {
	es := append([]int32(nil), c.heap...)
	sort.Slice(es, func(i, j int) bool { return c.less(es[i], es[j]) })
	var b strings.Builder
	b.WriteString("L:" + strconv.FormatFloat(c.l, 'g', -1, 64) + "|")
	for i, e := range es {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d:%s", c.idx.id(e), strconv.FormatFloat(c.pri[e], 'g', -1, 64))
	}
	return b.String()
}

func (c *gdsf) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.size))*8 + int64(cap(c.freq))*4 + int64(cap(c.pri))*8 +
		int64(cap(c.seq))*8 + int64(cap(c.pos))*4 + int64(cap(c.heap))*4
}
