package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for cdnsim when --shards starts
// shard processes (selfCommand runs this binary with asMainEnv set).
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	exe, err := os.Executable()
	if err == nil {
		selfCommand = func(args ...string) (*exec.Cmd, error) {
			c := exec.Command(exe, args...)
			c.Env = append(os.Environ(), asMainEnv+"=1")
			return c, nil
		}
	}
	os.Exit(m.Run())
}

const asMainEnv = "CDNSIM_TEST_AS_MAIN"

type summaryJSON struct {
	Scenario   string  `json:"scenario"`
	SampleRate float64 `json:"sample_rate"`
	Shard      string  `json:"shard"`
	Requests   int64   `json:"requests"`
	Bytes      int64   `json:"bytes"`
	Tiers      struct {
		Origin struct {
			Requests int64 `json:"requests"`
		} `json:"origin"`
	} `json:"tiers"`
	ShardSpread *struct {
		Shards int `json:"shards"`
	} `json:"shard_spread"`
}

func readShardSummary(t *testing.T, dir string) summaryJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summaryJSON
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// sameFiles fails unless dirs a and b hold byte-identical files of names.
func sameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, n := range names {
		x, err1 := os.ReadFile(filepath.Join(a, n))
		y, err2 := os.ReadFile(filepath.Join(b, n))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s (%v, %v)", n, a, b, err1, err2)
		}
	}
}

var outputs = []string{"summary.json", "timeseries.csv", "hit-ratio.png", "origin-load.png", "latency.png"}

func TestSampleOneIsTheUnsampledRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := []string{"run", "news-spike", "--quiet", "--set", "workload.duration=30m", "--set", "warmup=10m"}
	if code, _, stderr := cli(t, append(base, "-o", filepath.Join(dir, "full"))...); code != exitOK {
		t.Fatal(stderr)
	}
	if code, _, stderr := cli(t, append(base, "-o", filepath.Join(dir, "r1"), "--sample", "1")...); code != exitOK {
		t.Fatal(stderr)
	}
	sameFiles(t, filepath.Join(dir, "full"), filepath.Join(dir, "r1"), outputs...)
	if s := readShardSummary(t, filepath.Join(dir, "full")); s.SampleRate != 1 || s.Shard != "" {
		t.Errorf("full run: sample_rate %v, shard %q", s.SampleRate, s.Shard)
	}
}

func TestSampleAndShardFlagsRejectBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--sample", "0"}, "--sample: sample rate 0 is outside (0, 1]"},
		{[]string{"--sample", "1.5"}, "outside (0, 1]"},
		{[]string{"--sample", "-0.1"}, "outside (0, 1]"},
		{[]string{"--sample", "x"}, "invalid value"},
		{[]string{"--shard", "4/4"}, "--shard: shard index 4 is outside [0, 4)"},
		{[]string{"--shard", "-1/4"}, "outside [0, 4)"},
		{[]string{"--shard", "2"}, "want I/K"},
		{[]string{"--shard", "0/2", "--sample", "0.5"}, "exclude one another"},
		{[]string{"--shards", "0"}, "--shards 0: want at least 1"},
		{[]string{"--shards", "2", "-j", "0"}, "-j 0: want at least 1"},
		{[]string{"-j", "2"}, "needs --shards"},
	} {
		code, _, stderr := cli(t, append([]string{"run", "news-spike", "-o", t.TempDir()}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}

// TestShardsMergeIntoTheWholeRun runs news-spike as 3 shards in separate
// processes: the merge sees exactly the unsharded run's requests and bytes
// (the shards' objects partition the stream), its counts are the sums of
// the shards', and `cdnsim merge` of the same directories writes the same
// files.
func TestShardsMergeIntoTheWholeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	t.Parallel()
	dir := t.TempDir()
	// The warm-up is sharded too: its requests are in the shards' and not
	// in the outputs, so the requests still add up.
	base := []string{"run", "news-spike", "--set", "workload.duration=30m", "--set", "warmup=10m", "--seed", "4"}
	if code, _, stderr := cli(t, append(base, "--quiet", "-o", filepath.Join(dir, "full"))...); code != exitOK {
		t.Fatal(stderr)
	}
	merged := filepath.Join(dir, "merged")
	code, stdout, stderr := cli(t, append(base, "--shards", "3", "-j", "2", "-o", merged)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "news-spike (seed 4, merged from 3 shards)") || !strings.Contains(stderr, "ran 3 shards, 2 at a time") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	full, m := readShardSummary(t, filepath.Join(dir, "full")), readShardSummary(t, merged)
	if m.Requests != full.Requests || m.Bytes != full.Bytes || m.SampleRate != 1 || m.Shard != "3 shards" || m.ShardSpread == nil || m.ShardSpread.Shards != 3 {
		t.Errorf("merged %+v, unsharded %+v", m, full)
	}
	var reqs, bytes int64
	var shardDirs []string
	for i := range 3 {
		d := filepath.Join(merged, "shards", string(rune('0'+i)))
		shardDirs = append(shardDirs, d)
		var c struct {
			Bins [][]int64 `json:"bins"`
		}
		b, err := os.ReadFile(filepath.Join(d, "counts.json"))
		if err != nil || json.Unmarshal(b, &c) != nil {
			t.Fatalf("shard %d counts: %v", i, err)
		}
		for _, bin := range c.Bins {
			reqs += bin[0]
			bytes += bin[1]
		}
		if s := readShardSummary(t, d); s.Shard != string(rune('0'+i))+"/3" || s.SampleRate != 1.0/3 {
			t.Errorf("shard %d: shard %q, sample_rate %v", i, s.Shard, s.SampleRate)
		}
	}
	if reqs != m.Requests || bytes != m.Bytes {
		t.Errorf("shards' counts add to %d requests, %d bytes; merged %d, %d", reqs, bytes, m.Requests, m.Bytes)
	}
	again := filepath.Join(dir, "again")
	if code, _, stderr := cli(t, "merge", "--quiet", "-o", again, shardDirs[2], shardDirs[0], shardDirs[1]); code != exitOK {
		t.Fatal(stderr)
	}
	sameFiles(t, merged, again, outputs...)

	// Bad merges exit 2.
	if code, _, stderr := cli(t, "merge", "-o", t.TempDir(), shardDirs[0], shardDirs[0], shardDirs[1]); code != exitUsage || !strings.Contains(stderr, "again") {
		t.Errorf("duplicate shard: exit %d, %s", code, stderr)
	}
	if code, _, stderr := cli(t, "merge", "-o", t.TempDir(), shardDirs[0], filepath.Join(dir, "full")); code != exitUsage || !strings.Contains(stderr, "counts.json: no such file") {
		t.Errorf("unsharded run: exit %d, %s", code, stderr)
	}
}

func TestCompareRunsMiniatures(t *testing.T) {
	t.Parallel()
	args := []string{"compare", "news-spike", "--policies", "lru,sieve", "--sizes", "256MB", "--set", "workload.duration=10m", "--set", "warmup=0s", "--quiet"}
	if code, _, stderr := cli(t, append(args, "-o", t.TempDir(), "--sample", "2")...); code != exitUsage || !strings.Contains(stderr, "--sample: sample rate 2 is outside (0, 1]") {
		t.Errorf("--sample 2: exit %d, %s", code, stderr)
	}
	dir := t.TempDir()
	if code, _, stderr := cli(t, append(args, "-o", dir, "--sample", "0.5")...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(filepath.Join(dir, "mrc.png")); err != nil || st.Size() == 0 {
		t.Errorf("mrc.png: %v", err)
	}
}
