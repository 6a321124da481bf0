package hugepage

import "syscall"

// advise is madvise(MADV_HUGEPAGE) on [addr, addr+n); an error (a kernel
// without transparent huge pages) leaves the pages as they are.
func advise(addr, n uintptr) {
	syscall.Syscall(syscall.SYS_MADVISE, addr, n, syscall.MADV_HUGEPAGE) //nolint:errcheck
}
