package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMachineMemoryReadsMeminfo(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	defer func(m string) { meminfo = m }(meminfo)
	for _, tc := range []struct {
		file  string
		bytes int64
		name  string
	}{
		{write("avail", "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   22000000 kB\n"), 22000000 << 10, "MemAvailable"},
		{write("total", "MemTotal:       24000000 kB\nMemFree:         1000000 kB\n"), 24000000 << 10, "MemTotal"},
		{write("junk", "MemAvailable: lots\nMemTotal: -5 kB\n"), 0, ""},
		{filepath.Join(dir, "absent"), 0, ""},
	} {
		meminfo = tc.file
		got := machineMemory()
		if got.bytes != tc.bytes || !strings.Contains(got.name, tc.name) {
			t.Errorf("%s: %+v, want %d bytes from %s", filepath.Base(tc.file), got, tc.bytes, tc.name)
		}
	}
}

func TestParseMaxMemory(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]int64{"16GB": 16 << 30, "512MB": 512 << 20, "0": 0, "1000": 1000} {
		got, err := parseMaxMemory(v)
		if err != nil || got.bytes != want {
			t.Errorf("%q: %+v, %v; want %d bytes", v, got, err, want)
		}
	}
	if _, err := parseMaxMemory("lots"); err == nil || !strings.HasPrefix(err.Error(), "--max-memory: ") {
		t.Errorf("lots: %v", err)
	}
}
