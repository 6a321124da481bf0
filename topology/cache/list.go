package cache

import (
	"fmt"
	"strings"

	"github.com/cdnsim/cdnsim/sim/hugepage"
)

// node is one entry's links and weight in a dlist. Entry numbers come from
// an index, so a policy's nodes slice is indexed like the index's ids.
type node struct {
	prev, next int32 // -1 at the ends
	size       int64
}

// dlist is an intrusive doubly linked list over a shared nodes slice, with
// its own byte total. Several lists (ARC's T1/T2, 2Q's A1in/Am, S3-FIFO's
// small/main) can share one slice because an entry is in one list at a time.
// head is the most recently inserted end.
type dlist struct {
	head, tail int32
	n          int
	bytes      int64
}

func newDlist() dlist { return dlist{head: -1, tail: -1} }

func (l *dlist) pushFront(nodes []node, e int32) {
	nodes[e].prev = -1
	nodes[e].next = l.head
	if l.head >= 0 {
		nodes[l.head].prev = e
	} else {
		l.tail = e
	}
	l.head = e
	l.n++
	l.bytes += nodes[e].size
}

func (l *dlist) unlink(nodes []node, e int32) {
	p, n := nodes[e].prev, nodes[e].next
	if p >= 0 {
		nodes[p].next = n
	} else {
		l.head = n
	}
	if n >= 0 {
		nodes[n].prev = p
	} else {
		l.tail = p
	}
	l.n--
	l.bytes -= nodes[e].size
}

func (l *dlist) moveToFront(nodes []node, e int32) {
	if l.head == e {
		return
	}
	l.unlink(nodes, e)
	l.pushFront(nodes, e)
}

// setNode stores n at entry e, growing nodes when e is a new entry number.
func setNode(nodes []node, e int32, n node) []node {
	if int(e) == len(nodes) {
		return appendDoubling(nodes, n)
	}
	nodes[e] = n
	return nodes
}

// appendDoubling appends v, doubling the capacity when it runs out. The
// per-entry slices grow one entry at a time to hundreds of thousands, and
// append's 1.25× growth for large slices copied each of them about five
// times over (8% of a simulation's CPU in memmove and memclr).
func appendDoubling[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		t := hugepage.Make[T](len(s), 2*cap(s)+16)
		copy(t, s)
		s = t
	}
	return append(s, v)
}

// listState renders l's IDs head first, separated by commas.
func listState(x *index, nodes []node, l dlist) string {
	var b strings.Builder
	for e := l.head; e >= 0; e = nodes[e].next {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, x.id(e))
	}
	return b.String()
}
