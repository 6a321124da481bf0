// Package prefetch asks the CPU to start loading memory the program will
// read soon, without waiting for it.
//
// A load whose value nothing uses yet still holds up the instructions
// behind it once the CPU's reorder window fills, so touching memory in Go
// cannot hide a cache miss; the CPU's prefetch instruction (PREFETCHT0 on
// x86-64, PRFM PLDL1KEEP on arm64) can. A caller that knows the next few
// requests loads their cache entries this way while it serves the current
// one, and finds them in the cache when their turn comes.
//
// Prefetching is a hint: it never faults, whatever the address, and never
// changes what the program computes.
package prefetch

import "unsafe"

// Of starts loading the cache line that holds *p.
func Of[T any](p *T) { line(unsafe.Pointer(p)) }

// Two starts loading the cache lines that hold *p and *q: Of twice, in one
// call. (The instruction is in assembly, which Go calls through a wrapper
// that passes the arguments on the stack: a call is several times the
// prefetch's own cost.)
func Two[T, U any](p *T, q *U) { lines2(unsafe.Pointer(p), unsafe.Pointer(q)) }
