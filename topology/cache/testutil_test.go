package cache

import (
	"fmt"
)

// checkList verifies l's links both ways, its count and byte total, and that
// every member is indexed; it returns the members.
func checkList(x *index, nodes []node, l dlist) (map[int32]bool, error) {
	seen := map[int32]bool{}
	var bytes int64
	prev := int32(-1)
	for e := l.head; e >= 0; e = nodes[e].next {
		if seen[e] {
			return nil, fmt.Errorf("cycle at entry %d", e)
		}
		seen[e] = true
		if nodes[e].prev != prev {
			return nil, fmt.Errorf("entry %d: prev = %d, want %d", e, nodes[e].prev, prev)
		}
		if x.get(x.id(e)) != e {
			return nil, fmt.Errorf("entry %d (id %d) not indexed", e, x.id(e))
		}
		bytes += nodes[e].size
		prev = e
	}
	if l.tail != prev {
		return nil, fmt.Errorf("tail = %d, want %d", l.tail, prev)
	}
	if len(seen) != l.n || bytes != l.bytes {
		return nil, fmt.Errorf("list holds %d entries / %d bytes, counters say %d / %d", len(seen), bytes, l.n, l.bytes)
	}
	return seen, nil
}

// markedList is one of a policy's lists and the mark (a "where" value) its
// entries carry.
type markedList struct {
	l     dlist
	where uint8
	name  string
}

// checkMarkedLists checks each list with checkList, that every member
// carries its list's mark, and that together the lists hold exactly the
// index's entries; it returns the members of each list, in order.
func checkMarkedLists(x *index, nodes []node, where []uint8, lists ...markedList) ([]map[int32]bool, error) {
	total := 0
	var out []map[int32]bool
	for _, q := range lists {
		seen, err := checkList(x, nodes, q.l)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", q.name, err)
		}
		for e := range seen {
			if where[e] != q.where {
				return nil, fmt.Errorf("entry %d (id %d) in %s marked %d", e, x.id(e), q.name, where[e])
			}
		}
		total += len(seen)
		out = append(out, seen)
	}
	if total != x.len() {
		return nil, fmt.Errorf("lists hold %d entries, index %d", total, x.len())
	}
	return out, nil
}
