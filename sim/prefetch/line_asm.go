//go:build amd64 || arm64

package prefetch

import "unsafe"

// line prefetches the cache line holding p (assembly).
//
//go:noescape
func line(p unsafe.Pointer)

func lines2(p, q unsafe.Pointer)
