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

// TestMakeGivesHugePagesToLargeTables makes a 32 MB table and writes it,
// then reads /proc/self/smaps: the memory mapping that holds the table's
// middle is marked for huge pages ("hg" in VmFlags, what madvise sets)
// and is backed by at least one.
func TestMakeGivesHugePagesToLargeTables(t *testing.T) {
	skipUnlessOnRequest(t)
	s := Make[uint64](32<<20/8, 32<<20/8)
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

// TestMakeAlignsTablesFromAligned: from Aligned bytes, Make's table starts
// within one element past a huge page boundary, has the length and
// capacity asked for, is zero, and its whole span is its own (writing
// every element, then the slice's capacity's worth through a full
// reslice, stays inside it); smaller tables are plain makes. Element
// sizes that do not divide a huge page (24 bytes) included.
func TestMakeAlignsTablesFromAligned(t *testing.T) {
	t.Parallel()
	type meta struct{ a, b, c int64 }
	check := func(name string, start, sz uintptr, n, c, gotLen, gotCap int, aligned bool) {
		t.Helper()
		if gotLen != n || gotCap != c {
			t.Errorf("%s: len %d cap %d, want %d %d", name, gotLen, gotCap, n, c)
		}
		if off := start & (Size - 1); aligned && off >= sz {
			t.Errorf("%s: starts %d bytes past a huge page boundary, want under %d", name, off, sz)
		}
	}
	for _, c := range []int{0, 1, 1000, Aligned/8 - 1, Aligned / 8, Aligned/8 + 1, (2*Size + Size/10) / 8, 3 * Size / 8, 5*Size/8 + 3} {
		s := Make[uint64](c/2, c)
		check("uint64", uintptr(unsafe.Pointer(unsafe.SliceData(s))), 8, c/2, c, len(s), cap(s), 8*c >= Aligned)
		s = s[:cap(s)]
		for i := range s {
			if s[i] != 0 {
				t.Fatalf("uint64 %d: element %d is %d, want 0", c, i, s[i])
			}
			s[i] = ^uint64(i)
		}
		for i := range s {
			if s[i] != ^uint64(i) {
				t.Fatalf("uint64 %d: element %d changed", c, i)
			}
		}
	}
	for _, c := range []int{100, Aligned/24 + 1, 3*Size/24 + 7} {
		m := Make[meta](c, c)
		check("meta", uintptr(unsafe.Pointer(unsafe.SliceData(m))), 24, c, c, len(m), cap(m), 24*c >= Aligned)
		for i := range m {
			if m[i] != (meta{}) {
				t.Fatalf("meta %d: element %d not zero", c, i)
			}
			m[i] = meta{int64(i), -int64(i), 1}
		}
		for i := range m {
			if m[i] != (meta{int64(i), -int64(i), 1}) {
				t.Fatalf("meta %d: element %d changed", c, i)
			}
		}
	}
}

// TestMakeGivesHugePages: a table of Aligned bytes (under 2 MB), which
// make could not give a whole huge page, is marked for huge pages and
// backed by one once written.
func TestMakeGivesHugePages(t *testing.T) {
	skipUnlessOnRequest(t)
	s := Make[uint64]((Aligned+7)/8, (Aligned+7)/8)
	for i := range s {
		s[i] = uint64(i)
	}
	flags, kb := mapping(t, uintptr(unsafe.Pointer(&s[len(s)/2])))
	runtime.KeepAlive(s)
	if !slices.Contains(flags, "hg") {
		t.Errorf("a %d-byte table's mapping has VmFlags %v, want hg", Aligned, flags)
	}
	if kb < Size>>10 {
		t.Errorf("a %d-byte table: %d kB of huge pages, want at least %d", Aligned, kb, Size>>10)
	}
}

// skipUnlessOnRequest skips a test where transparent huge pages are not
// given on request (madvise), the only mode in which advice shows.
func skipUnlessOnRequest(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("madvise(MADV_HUGEPAGE) is Linux's")
	}
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !strings.Contains(string(mode), "[madvise]") {
		t.Skipf("transparent huge pages are not on request here (%q)", strings.TrimSpace(string(mode)))
	}
}
