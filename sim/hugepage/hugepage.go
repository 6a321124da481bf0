// Package hugepage asks the kernel to back large tables read at random
// with huge pages: the caches' tables and the workload generator's wheel
// of live objects (sim.Wheel), made with Make.
//
// The caches' tables (index slots, entry IDs, metadata, list links) are
// read at random, a few cache lines per request in each of the caches on
// its path, hundreds of megabytes in all; the wheel's blocks, as many as
// there are objects with requests to come, millions at CloudFront scale. With 4 KB pages nearly every such
// read also misses the TLB, and in a virtual machine a TLB miss walks two
// levels of page tables. Where transparent huge pages are enabled only on
// request (`madvise` in /sys/kernel/mm/transparent_hugepage/enabled, the
// common default), Make makes that request for a freshly made table;
// elsewhere, and on other systems, the request does nothing. Like a prefetch, it is
// a hint: it changes no result.
package hugepage

import "unsafe"

// Size is the huge page size Make aligns to (x86-64 and arm64 with 4 KB
// base pages).
const Size = 2 << 20

// Aligned is the smallest table, in bytes, that Make gives a huge page of
// its own: 4/5 of one, so that rounding a table up to whole huge pages
// never adds more than a quarter to it. A table is read at random, so one
// smaller than the TLB's reach (a few MB) still misses it when a hundred
// such tables take turns: a cloudfront-day shard's 95 POP caches held
// tables of 1–4 MB each for its first hours, 1.1 GB in 4 KB pages in all.
const Aligned = (4*Size + 4) / 5

// Make is make([]T, n, c) for a table read at random. From Aligned bytes,
// the table starts on a huge page boundary and its whole huge pages are
// advised (madvise(MADV_HUGEPAGE), before anything is written to them, so
// that the kernel backs them with huge pages as they are first touched):
// rounded up to the next huge page when that adds at
// most a quarter to the table, else down (the rest keeps small pages).
// The allocation behind it is larger, so that those huge pages are the
// table's own, never a neighbour's; the room on either side is given
// back to the kernel. A table of 1.6–4 MB, which could hold no whole huge
// page where make put it, gets one or two. Smaller tables are made as make makes them. T must hold no
// pointers (the caches' tables and the wheel's items hold none).
func Make[T any](n, c int) []T {
	var zero T
	sz := unsafe.Sizeof(zero)
	bytes := uintptr(c) * sz
	span := bytes &^ (Size - 1)
	if up := (bytes + Size - 1) &^ (Size - 1); up-bytes <= bytes/4 {
		span = up
	}
	if bytes < Aligned { // (then span > 0, and sz > 0)
		return make([]T, n, c)
	}
	// The table's huge pages, and room to move its start to a boundary.
	used := max(span, bytes)
	room := int((used + Size + sz - 1) / sz)
	s := make([]T, room)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	lo := (start + Size - 1) &^ (Size - 1)
	k := int((lo - start + sz - 1) / sz) // the first element at or past lo
	advise(lo, span)
	// The room on either side is never used, but make zeroed it if the
	// memory was used before: give those pages back.
	const page = 4 << 10
	if a := (start + page - 1) &^ (page - 1); lo > a {
		release(a, lo-a)
	}
	if a, end := (lo+used+page-1)&^(page-1), (start+uintptr(room)*sz)&^(page-1); end > a {
		release(a, end-a)
	}
	return s[k : k+n : k+c]
}
