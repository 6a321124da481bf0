package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tiny is a run short enough for a table of them.
var tiny = []string{"--set", "workload.duration=10m", "--set", "warmup=0s", "--quiet"}

// TestBadOutputsAndFlags: what is wrong with the command line rather than
// the scenario, each answered on the first line of stderr with its exit
// code, and nothing left on disk but what the case had before.
func TestBadOutputsAndFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		setup func(dir string) // what is in dir before
		args  []string         // {dir} is the case's directory
		code  int
		want  string // prefix of stderr's first line; {dir} as above
	}{
		{"-o names a file", func(d string) { os.WriteFile(filepath.Join(d, "f"), []byte("x"), 0o644) },
			[]string{"run", "news-spike", "-o", "{dir}/f"}, 2, "cdnsim run: -o {dir}/f: is a file, not a directory (-o names the output directory)"},
		{"-o holds other files", func(d string) {
			os.Mkdir(filepath.Join(d, "o"), 0o755)
			os.WriteFile(filepath.Join(d, "o", "notes.txt"), nil, 0o644)
		},
			[]string{"run", "news-spike", "-o", "{dir}/o"}, 2, "cdnsim run: -o {dir}/o: holds notes.txt, which no run writes"},
		{"-o under a file", func(d string) { os.WriteFile(filepath.Join(d, "f"), []byte("x"), 0o644) },
			[]string{"run", "news-spike", "-o", "{dir}/f/o"}, 2, "cdnsim run: -o {dir}/f/o: not a directory"},
		{"compare -o names a file", func(d string) { os.WriteFile(filepath.Join(d, "f"), []byte("x"), 0o644) },
			[]string{"compare", "news-spike", "--policies", "lru", "-o", "{dir}/f"}, 2, "cdnsim compare: -o {dir}/f: is a file"},
		{"a negative seed", nil, []string{"run", "news-spike", "--seed", "-1", "-o", "{dir}/o"}, 2,
			`cdnsim run: invalid value "-1" for flag -seed: a seed is a whole number from 0 to 18446744073709551615 (cdnsim run --help lists the flags)`},
		{"a seed past 2^64", nil, []string{"compare", "news-spike", "--policies", "lru", "--seed", "18446744073709551616", "-o", "{dir}/o"}, 2,
			`cdnsim compare: invalid value "18446744073709551616" for flag -seed: a seed is a whole number`},
		{"gen's seed", nil, []string{"gen", "news-spike", "--seed", "x", "-o", "{dir}/t.csv"}, 2, `cdnsim gen: invalid value "x" for flag -seed`},
		{"an unknown flag", nil, []string{"run", "news-spike", "--sed", "1", "-o", "{dir}/o"}, 2, "cdnsim run: flag provided but not defined: -sed (cdnsim run --help lists the flags)"},
		{"too little memory", nil, []string{"run", "news-spike", "--max-memory", "10MB", "-o", "{dir}/o"}, 2,
			"cdnsim: builtin:news-spike:"},
		{"validate with too little memory", nil, []string{"validate", "news-spike", "--max-memory", "10MB"}, 2, "cdnsim: builtin:news-spike:"},
		{"compare with too little memory", nil, []string{"compare", "news-spike", "--policies", "lru", "--max-memory", "10MB", "-o", "{dir}/o"}, 2, "cdnsim: builtin:news-spike:"},
		{"a bad --max-memory", nil, []string{"run", "news-spike", "--max-memory", "lots", "-o", "{dir}/o"}, 2, "cdnsim run: --max-memory: "},
		{"gen into a missing directory", nil, []string{"gen", "news-spike", "-o", "{dir}/no/t.csv"}, 1, "cdnsim gen: {dir}/no/t.csv: cannot create: no such file or directory"},
		{"a CSV read as oracleGeneral", func(d string) {
			os.WriteFile(filepath.Join(d, "t.csv"), []byte("time,obj_id,size\n1,1,100\n2,2,100\n3,1,100\n"), 0o644)
		}, []string{"replay", "{dir}/t.csv", "--format", "oracle", "--policy", "lru", "--capacity", "1MB"}, 2, `cdnsim replay: {dir}/t.csv: record 1: text ("time,obj_id,size"), not oracleGeneral's`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if c.setup != nil {
				c.setup(dir)
			}
			before := listDir(t, dir)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "{dir}", dir)
			}
			if args[0] == "run" || args[0] == "compare" {
				args = append(args, tiny...)
			}
			code, _, stderr := cli(t, args...)
			first, _, _ := strings.Cut(stderr, "\n")
			if want := strings.ReplaceAll(c.want, "{dir}", dir); code != c.code || !strings.HasPrefix(first, want) {
				t.Errorf("exit %d, stderr %q; want exit %d, %q", code, first, c.code, want)
			}
			if after := listDir(t, dir); after != before {
				t.Errorf("on disk before: %s; after: %s", before, after)
			}
		})
	}
}

// listDir lists every path under dir.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error {
		if p != dir {
			out = append(out, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	return strings.Join(out, " ")
}

// TestFullDisk runs into a 256 KB tmpfs, too small for a run's files: the
// run fails with exit 1 naming the file system's error, and the file
// system is left empty: no half-written output directory, no staging
// directory, no lock. It needs to mount one (root); it is skipped where
// it cannot.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	args := append([]string{"run", "news-spike", "--set", "logging.sample=1", "-o", filepath.Join(dir, "o")}, tiny...)
	code, _, stderr := cli(t, args...)
	if first, _, _ := strings.Cut(stderr, "\n"); code != exitFailure || !strings.Contains(first, "no space left on device") {
		t.Errorf("exit %d, stderr %q; want 1 and no space left on device", code, first)
	}
	if left := listDir(t, dir); left != "" {
		t.Errorf("left on the full file system: %s", left)
	}
}
