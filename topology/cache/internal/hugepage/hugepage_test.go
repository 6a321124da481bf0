package hugepage

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestAdviseGivesHugePages makes a 32 MB table, advises it and writes it,
// then reads from /proc/self/smaps how much of the memory mapping that
// holds it is backed by huge pages: at least one 2 MB page, where the
// same table unadvised gets none (with THP on request only).
func TestAdviseGivesHugePages(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("madvise(MADV_HUGEPAGE) is Linux's")
	}
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !strings.Contains(string(mode), "[madvise]") {
		t.Skipf("transparent huge pages are not on request here (%q)", strings.TrimSpace(string(mode)))
	}
	// Both tables are made before either is written, so that neither
	// reuses memory the other has touched.
	plain, advised := make([]uint64, 32<<20/8), make([]uint64, 32<<20/8)
	Advise(advised)
	for i := range plain {
		plain[i], advised[i] = uint64(i), uint64(i)
	}
	if kb := hugeKB(t, uintptr(unsafe.Pointer(&plain[0]))); kb != 0 {
		t.Errorf("unadvised table: %d kB of huge pages, want 0", kb)
	}
	if kb := hugeKB(t, uintptr(unsafe.Pointer(&advised[0]))); kb < Size>>10 {
		t.Errorf("advised table: %d kB of huge pages, want at least %d", kb, Size>>10)
	}
	runtime.KeepAlive(plain)
	runtime.KeepAlive(advised)
}

// hugeKB is AnonHugePages of the mapping of /proc/self/smaps that holds
// addr.
func hugeKB(t *testing.T, addr uintptr) int {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if lo, hi, ok := strings.Cut(fs[0], "-"); ok && len(fs) >= 5 {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uintptr(a) <= addr && addr < uintptr(b)
			continue
		}
		if in && fs[0] == "AnonHugePages:" {
			kb, _ := strconv.Atoi(fs[1])
			return kb
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return 0
}

// TestAdviseIgnoresSmallAndEmptyTables: nothing to advise, no call, no
// panic.
func TestAdviseIgnoresSmallAndEmptyTables(t *testing.T) {
	Advise([]uint64(nil))
	Advise(make([]byte, 0, 10))
	Advise(make([]uint64, 2*Size/8-1))
}
