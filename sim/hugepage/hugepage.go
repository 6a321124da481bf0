// Package hugepage asks the kernel to back large tables read at random
// with huge pages: the caches' tables and the workload generator's wheel
// of live objects (sim.Wheel).
//
// The caches' tables (index slots, entry IDs, metadata, list links) are
// read at random, a few cache lines per request in each of the caches on
// its path, hundreds of megabytes in all; the wheel's blocks, as many as
// there are objects with requests to come, millions at CloudFront scale. With 4 KB pages nearly every such
// read also misses the TLB, and in a virtual machine a TLB miss walks two
// levels of page tables. Where transparent huge pages are enabled only on
// request (`madvise` in /sys/kernel/mm/transparent_hugepage/enabled, the
// common default), Advise makes that request for a freshly made table;
// elsewhere, and on other systems, it does nothing. Like a prefetch, it is
// a hint: it changes no result.
package hugepage

import "unsafe"

// Size is the huge page size Advise aligns to (x86-64 and arm64 with 4 KB
// base pages).
const Size = 2 << 20

// Advise asks for huge pages under the whole huge pages inside s's
// backing array (none if it spans less than two). Call it on a table just
// made, before it is written: the kernel then backs it with huge pages as
// it is first touched (pages already touched keep their size until the
// kernel's khugepaged gets to them). Only the table's own memory is
// advised, never its neighbours', and a huge page is faulted in whole, so
// a table holds at most one huge page it has not yet written to; the
// caches' tables smaller than 4 MB (news-spike's, a few hundred thousand
// objects a cache) keep small pages.
func Advise[T any](s []T) {
	var zero T
	n := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if n < 2*Size {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	lo := (start + Size - 1) &^ (Size - 1)
	hi := (start + n) &^ (Size - 1)
	if hi > lo {
		advise(lo, hi-lo)
	}
}
