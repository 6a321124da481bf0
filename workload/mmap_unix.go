//go:build unix

package workload

import (
	"math"
	"os"
	"syscall"
)

// mapFile maps the regular file f read-only into memory and returns its
// bytes and the function that unmaps them. It returns nil data, and no
// error, for what cannot be mapped (a pipe, a device, an empty file, a file
// larger than the address space): the caller reads those instead.
func mapFile(f *os.File) ([]byte, func() error, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() || st.Size() <= 0 || st.Size() > math.MaxInt {
		return nil, nil, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED|mapPopulate)
	if err != nil {
		return nil, nil, nil // e.g. a file system that cannot map: read it instead
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
