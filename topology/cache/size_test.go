package cache

import "testing"

func TestParseSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"512", 512, true}, {"64KB", 64 << 10, true}, {"64kb", 64 << 10, true},
		{"1.5GB", 3 << 29, true}, {"2GiB", 2 << 30, true}, {"3 MB", 3 << 20, true}, {"1T", 1 << 40, true},
		{"100B", 100, true}, {"", 0, false}, {"GB", 0, false}, {"-1GB", 0, false}, {"1XB", 0, false},
		{"NaN", 0, false}, {"1e30TB", 0, false},
	} {
		got, err := ParseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	for _, n := range []int64{1, 1023, 1024, 1536, 64 << 20, 5 << 30, 3 << 40} {
		back, err := ParseSize(FormatSize(n))
		if err != nil || back != n {
			t.Errorf("ParseSize(FormatSize(%d) = %q) = %d, %v", n, FormatSize(n), back, err)
		}
	}
}
