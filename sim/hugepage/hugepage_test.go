package hugepage

import (
	"bufio"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestAdviseGivesHugePages makes a 32 MB table, advises it and writes it,
// then reads /proc/self/smaps: the memory mapping that holds the table's
// middle is marked for huge pages ("hg" in VmFlags, what madvise sets)
// and is backed by at least one.
func TestAdviseGivesHugePages(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("madvise(MADV_HUGEPAGE) is Linux's")
	}
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !strings.Contains(string(mode), "[madvise]") {
		t.Skipf("transparent huge pages are not on request here (%q)", strings.TrimSpace(string(mode)))
	}
	s := make([]uint64, 32<<20/8)
	Advise(s)
	for i := range s {
		s[i] = uint64(i)
	}
	flags, kb := mapping(t, uintptr(unsafe.Pointer(&s[len(s)/2])))
	runtime.KeepAlive(s)
	if !slices.Contains(flags, "hg") {
		t.Errorf("the table's mapping has VmFlags %v, want hg (advised for huge pages)", flags)
	}
	if kb < Size>>10 {
		t.Errorf("advised table: %d kB of huge pages, want at least %d", kb, Size>>10)
	}
}

// mapping is the VmFlags and AnonHugePages (kB) of the mapping of
// /proc/self/smaps that holds addr.
func mapping(t *testing.T, addr uintptr) (flags []string, hugeKB int) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	in, found := false, false
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
			found = found || in
			continue
		}
		switch {
		case in && fs[0] == "AnonHugePages:":
			hugeKB, _ = strconv.Atoi(fs[1])
		case in && fs[0] == "VmFlags:":
			flags = fs[1:]
		}
	}
	if !found {
		t.Fatalf("no mapping holds %#x", addr)
	}
	return flags, hugeKB
}

// TestAdviseIgnoresSmallAndEmptyTables: nothing to advise, no call, no
// panic.
func TestAdviseIgnoresSmallAndEmptyTables(t *testing.T) {
	Advise([]uint64(nil))
	Advise(make([]byte, 0, 10))
	Advise(make([]uint64, 2*Size/8-1))
}
