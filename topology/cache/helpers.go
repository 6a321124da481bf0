package cache

import (
	"fmt"
	"math"
	"strings"
	"unsafe"
)

// nodeBytes is the size of one dlist node, for memBytes accounting.
const nodeBytes = int64(unsafe.Sizeof(node{}))

// markedListState renders l's IDs head first like listState, each followed
// by mark(e) (e.g. "*" for a set reference bit) and preceded by ">" when e
// is hand (pass -1 for no hand).
func markedListState(x *index, nodes []node, l dlist, hand int32, mark func(e int32) string) string {
	var b strings.Builder
	for e := l.head; e >= 0; e = nodes[e].next {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if e == hand {
			b.WriteByte('>')
		}
		fmt.Fprint(&b, x.id(e))
		b.WriteString(mark(e))
	}
	return b.String()
}

// star marks a set bit.
func star(set bool) string {
	if set {
		return "*"
	}
	return ""
}

// satMul is a·b for non-negative a and b, or math.MaxInt64 if that
// overflows: periods and limits derived from a capacity near the int64
// limit saturate instead of wrapping negative.
func satMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

// bucketBytes is the size of one lfu frequency bucket.
const bucketBytes = int64(unsafe.Sizeof(bucket{}))
