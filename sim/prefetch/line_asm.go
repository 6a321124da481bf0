//go:build amd64 || arm64

package prefetch

import "unsafe"

// line prefetches the cache line holding p (assembly).
//
//go:noescape
func line(p unsafe.Pointer)

// lines2 prefetches the cache lines holding p and q (assembly).
//
//go:noescape
func lines2(p, q unsafe.Pointer)
