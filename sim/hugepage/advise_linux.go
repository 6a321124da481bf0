package hugepage

import "syscall"

// advise is madvise(MADV_HUGEPAGE) on [addr, addr+n); an error (a kernel
// without transparent huge pages) leaves the pages as they are.
func advise(addr, n uintptr) {
	syscall.Syscall(syscall.SYS_MADVISE, addr, n, syscall.MADV_HUGEPAGE) //nolint:errcheck
}

// release is madvise(MADV_DONTNEED) on [addr, addr+n): the pages go back
// to the kernel and read as zeros if touched again.
func release(addr, n uintptr) {
	syscall.Syscall(syscall.SYS_MADVISE, addr, n, syscall.MADV_DONTNEED) //nolint:errcheck
}
