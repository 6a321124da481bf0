package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// short makes the built-in scenario a 2-hour run after a 30-minute
// warm-up, so CLI tests stay quick.
var short = []string{"--set", "workload.duration=2h", "--set", "workload.spikes[0].at=1h", "--set", "warmup=30m"}

func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunWritesOutputsWithFlagsAfterTheScenario(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "x")
	args := append([]string{"run", "news-spike", "-o", dir}, short...)
	code, stdout, stderr := cli(t, append(args, "--seed", "3")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"summary.json", "timeseries.csv", "hit-ratio.png", "origin-load.png", "latency.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	var sum struct {
		Scenario string `json:"scenario"`
		Seed     uint64 `json:"seed"`
		Requests int64  `json:"requests"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Scenario != "news-spike" || sum.Seed != 3 || sum.Requests == 0 {
		t.Fatalf("summary: %+v", sum)
	}
	if !strings.Contains(stdout, "news-spike (seed 3)") || !strings.Contains(stdout, "Hit ratio") {
		t.Fatalf("stdout is not the summary paragraph: %q", stdout)
	}
	if !strings.Contains(stderr, "requests/s") {
		t.Fatalf("wall-clock speed should go to stderr: %q", stderr)
	}
	// --quiet: nothing on stdout or stderr.
	code, stdout, stderr = cli(t, append(append([]string{"run", "--quiet", "-o", dir + "q"}, short...), "news-spike")...)
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("--quiet: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestRunIsDeterministic(t *testing.T) {
	t.Parallel()
	var outs [3][2][]byte
	for i, seed := range []string{"1", "1", "2"} {
		dir := t.TempDir()
		if code, _, stderr := cli(t, append([]string{"run", "news-spike", "--quiet", "-o", dir, "--seed", seed}, short...)...); code != 0 {
			t.Fatal(stderr)
		}
		for j, f := range []string{"summary.json", "timeseries.csv"} {
			outs[i][j], _ = os.ReadFile(filepath.Join(dir, f))
		}
	}
	for j := range outs[0] {
		if !bytes.Equal(outs[0][j], outs[1][j]) {
			t.Errorf("file %d differs between two runs with seed 1", j)
		}
		if bytes.Equal(outs[0][j], outs[2][j]) {
			t.Errorf("file %d is the same with seeds 1 and 2", j)
		}
	}
}

func TestBadInputExitsTwo(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("name = \"b\"\n[pops]\ncapacity = \"1GB\"\ncolour = \"red\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", bad, "-o", out}, "bad.toml:4: pops.colour: unknown key"},
		{[]string{"validate", bad}, "bad.toml:4: pops.colour: unknown key"},
		{[]string{"run", "news-spike", "-o", out, "--set", "pops.capacity=-2GB"}, "--set: pops.capacity"},
		{[]string{"run", "no-such-scenario"}, "no such file, and no built-in scenario"},
		{[]string{"run"}, "want exactly one SCENARIO"},
		{[]string{"run", "news-spike", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		code, _, stderr := cli(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"help"}, {"run", "--help"}, {"validate", "-h"}, {"help", "run"}} {
		code, stdout, stderr := cli(t, args...)
		if code != exitOK || !strings.Contains(stdout+stderr, "Usage:") {
			t.Errorf("%v: exit %d, output %q", args, code, stdout+stderr)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "validate", "news-spike")
	if code != exitOK || !strings.Contains(stdout, "ok — 42 POPs, 13 regional edge caches") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
}

// TestRunWarmupFlag: --warmup is the scenario's warmup key: the summary
// says how long, the paragraph and stderr mention it, and a bad value is
// bad input.
func TestRunWarmupFlag(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "w")
	code, stdout, stderr := cli(t, "run", "news-spike", "-o", dir, "--warmup", "30m",
		"--set", "workload.duration=30m", "--set", "workload.spikes[0].at=10m", "--set", "logging.enabled=false")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum struct {
		WarmupS   float64 `json:"warmup_s"`
		DurationS float64 `json:"duration_s"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil || sum.WarmupS != 1800 || sum.DurationS != 1800 {
		t.Fatalf("summary warm-up %v s, duration %v s (%v)", sum.WarmupS, sum.DurationS, err)
	}
	if !strings.Contains(stdout, "after a 30m warm-up") || !strings.Contains(stderr, "in the 30m warm-up") {
		t.Errorf("stdout %q, stderr %q: the warm-up is not mentioned", stdout, stderr)
	}
	if code, _, stderr := cli(t, "validate", "news-spike", "--set", "warmup=-1h"); code != exitUsage || !strings.Contains(stderr, "warmup") {
		t.Errorf("a negative warm-up: exit %d, %q", code, stderr)
	}
}

// TestWarningsGoToStderr: topology checks are warnings: the scenario still
// validates, and the warning names the key.
func TestWarningsGoToStderr(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "validate", "news-spike", "--set", "regions.capacity=100MB")
	if code != exitOK || !strings.Contains(stdout, ": ok") ||
		!strings.Contains(stderr, "cdnsim: warning: ") || !strings.Contains(stderr, "regions.sites[0].capacity: 13 regional edge caches") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
