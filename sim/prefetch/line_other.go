//go:build !amd64 && !arm64

package prefetch

import "unsafe"

// line does nothing where there is no prefetch instruction in assembly.
func line(unsafe.Pointer) {}

func lines2(unsafe.Pointer, unsafe.Pointer) {}
