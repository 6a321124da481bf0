package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios/sweep"
)

// tinySweep is 2 policies × 2 seeds of ten minutes of news-spike, two runs
// a task.
const tinySweep = `base = "news-spike"
seeds = [3, 5]
runs_per_task = 2
[set]
"workload.duration" = "10m"
[axes]
"pops.policy" = ["lru", "sieve"]
`

// fileAt writes text at path and returns the path.
func fileAt(t *testing.T, path, text string) string {
	t.Helper()
	writeFile(t, path, text)
	return path
}

func readPlanT(t *testing.T, dir string) *sweep.Plan {
	t.Helper()
	p, err := sweep.ReadPlan(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSweepRunIsCdnsimRunAndResumes(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	file := fileAt(t, filepath.Join(tmp, "tiny.toml"), tinySweep)
	dir := filepath.Join(tmp, "out")
	code, stdout, stderr := cli(t, "sweep", file, "-o", dir, "-j", "2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "pops.policy  runs  edge hit ratio") || !strings.Contains(stderr, "4 runs (0 done already, 0 failed)") {
		t.Errorf("stdout %q\nstderr %q", stdout, stderr)
	}
	csv1, err := os.ReadFile(filepath.Join(dir, sweep.SweepCSV))
	if err != nil {
		t.Fatal(err)
	}
	// The sieve run with seed 5 is `cdnsim run` with the same settings,
	// to the byte.
	p := readPlanT(t, dir)
	r := p.Runs[3]
	if r.Values[0] != "sieve" || r.Seed != 5 {
		t.Fatalf("run 4 is %v seed %d", r.Values, r.Seed)
	}
	runDir := filepath.Join(tmp, "run")
	if code, _, stderr := cli(t, "run", "news-spike", "--seed", "5", "--set", "workload.duration=10m",
		"--set", "pops.policy=sieve", "-o", runDir, "--quiet"); code != exitOK {
		t.Fatal(stderr)
	}
	for _, f := range []string{report.SummaryFile, report.TimeseriesFile} {
		a, _ := os.ReadFile(filepath.Join(runDir, f))
		b, _ := os.ReadFile(filepath.Join(sweep.RunDir(dir, r), f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s of the sweep's run differs from cdnsim run's", f)
		}
	}

	// Again: nothing to run, the same merge.
	code, _, stderr = cli(t, "sweep", file, "-o", dir)
	if code != exitOK || !strings.Contains(stderr, "4 runs (4 done already, 0 failed)") {
		t.Fatalf("second sweep: exit %d, %s", code, stderr)
	}
	if csv2, _ := os.ReadFile(filepath.Join(dir, sweep.SweepCSV)); !bytes.Equal(csv1, csv2) {
		t.Fatalf("sweep.csv changed:\n%s\n%s", csv1, csv2)
	}

	// A run lost: merge refuses and names it, status lists it, exec of its
	// task brings it back.
	if err := os.RemoveAll(sweep.RunDir(dir, r)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, sweep.SweepCSV)); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(t, "sweep", "merge", dir)
	if code != exitFailure || !strings.Contains(stderr, "1 of 4 runs have no results") || !strings.Contains(stderr, "task 1 run "+r.ID) {
		t.Fatalf("merge with a run missing: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, sweep.SweepCSV)); !os.IsNotExist(err) {
		t.Fatal("a failed merge wrote sweep.csv")
	}
	if code, stdout, _ := cli(t, "sweep", "status", dir); code != exitOK ||
		!strings.Contains(stdout, "tiny: 4 runs in 2 tasks: 3 done, 0 failed, 1 missing") || !strings.Contains(stdout, "missing  task 1 run "+r.ID) {
		t.Fatalf("status: %s", stdout)
	}
	if code, _, stderr := cli(t, "sweep", "merge", dir, "--partial", "--quiet"); code != exitOK {
		t.Fatalf("merge --partial: %s", stderr)
	}
	if code, _, stderr := cli(t, "sweep", "exec", dir, "--task", "1", "--quiet"); code != exitOK {
		t.Fatal(stderr)
	}
	if code, _, stderr := cli(t, "sweep", "merge", dir, "--quiet"); code != exitOK {
		t.Fatal(stderr)
	}
	if csv3, _ := os.ReadFile(filepath.Join(dir, sweep.SweepCSV)); !bytes.Equal(csv1, csv3) {
		t.Fatalf("sweep.csv after the rerun:\n%s\n%s", csv1, csv3)
	}
}

func TestSweepBadInputExitsTwoAndWritesNothing(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	never := filepath.Join(tmp, "never")
	bad := fileAt(t, filepath.Join(tmp, "bad.toml"), "base = \"news-spike\"\n[axes]\n\"pops.capacity\" = [\"1GB\", \"lots\"]\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", bad, "-o", never}, "bad.toml:3: axes.\"pops.capacity\"[1]: value \"lots\": \"lots\" is not a size"},
		{[]string{"sweep", "plan", bad, "-o", never}, "bad.toml:3: axes.\"pops.capacity\"[1]"},
		{[]string{"sweep", filepath.Join(tmp, "none.toml"), "-o", never}, "none.toml: cannot read sweep file"},
		{[]string{"sweep", "exec", never}, "no plan.json here"},
		{[]string{"sweep", "merge", never}, "no plan.json here"},
		{[]string{"sweep"}, "want exactly one SWEEP.toml"},
		{[]string{"sweep", bad, "-j", "0", "-o", never}, "-j must be >= 1"},
	} {
		code, _, stderr := cli(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(never); !os.IsNotExist(err) {
		t.Errorf("a rejected sweep wrote %s", never)
	}

	// Another sweep's directory.
	dir := filepath.Join(tmp, "out")
	one := fileAt(t, filepath.Join(tmp, "one.toml"), tinySweep)
	other := fileAt(t, filepath.Join(tmp, "other.toml"), tinySweep)
	if code, _, stderr := cli(t, "sweep", "plan", one, "-o", dir); code != exitOK {
		t.Fatal(stderr)
	}
	code, _, stderr := cli(t, "sweep", "plan", other, "-o", dir)
	if code != exitUsage || !strings.Contains(stderr, "other.toml: name: "+dir+` holds the plan of another sweep, "one"`) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := cli(t, "sweep", "exec", dir, "--task", "2"); code != exitUsage || !strings.Contains(stderr, "the plan has tasks 0 to 1") {
		t.Fatalf("exec of a task past the end: exit %d, %s", code, stderr)
	}
}

// Not parallel: it sets the environment.
func TestSweepExecTakesTheSlurmArrayTask(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "out")
	file := fileAt(t, filepath.Join(tmp, "tiny.toml"), tinySweep)
	if code, _, stderr := cli(t, "sweep", "plan", file, "-o", dir); code != exitOK {
		t.Fatal(stderr)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	if code, _, stderr := cli(t, "sweep", "exec", dir, "--quiet"); code != exitOK {
		t.Fatal(stderr)
	}
	p := readPlanT(t, dir)
	for _, r := range p.Runs {
		if sweep.Done(dir, r) != (r.Task == 1) {
			t.Errorf("run of task %d: done %v", r.Task, sweep.Done(dir, r))
		}
	}
}

// Not parallel: a stand-in sbatch goes first on PATH. It records its
// arguments and answers as sbatch --parsable does.
func TestSweepSlurmWritesAndSubmitsThePendingTasks(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "out")
	file := fileAt(t, filepath.Join(tmp, "tiny.toml"), strings.Replace(tinySweep, "runs_per_task = 2", "runs_per_task = 1", 1))
	if code, _, stderr := cli(t, "sweep", "plan", file, "-o", dir); code != exitOK {
		t.Fatal(stderr)
	}
	if code, _, stderr := cli(t, "sweep", "exec", dir, "--tasks", "0,2", "--quiet"); code != exitOK {
		t.Fatal(stderr)
	}
	bin := filepath.Join(tmp, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(tmp, "sbatch.log")
	writeFile(t, filepath.Join(bin, "sbatch"), "#!/bin/sh\necho \"$@\" >> "+log+"\nn=$(wc -l < "+log+")\necho \"$((100+n));cluster\"\n")
	if err := os.Chmod(filepath.Join(bin, "sbatch"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	code, stdout, stderr := cli(t, "sweep", "slurm", dir, "--binary", "/opt/cdnsim", "--max-parallel", "2",
		"--partition", "short", "--time", "10:00", "--mem", "1G", "--submit")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	abs, _ := filepath.Abs(dir)
	array, _ := os.ReadFile(filepath.Join(dir, sweep.SlurmDir, sweep.ArrayScript))
	for _, want := range []string{
		"#SBATCH --array=1,3%2\n", "#SBATCH --partition=short\n", "#SBATCH --time=10:00\n", "#SBATCH --mem=1G\n",
		"#SBATCH --output=" + filepath.Join(abs, "slurm", "logs", "task-%A_%a.out") + "\n",
		"exec '/opt/cdnsim' sweep exec '" + abs + "' --task \"$SLURM_ARRAY_TASK_ID\" -j 1\n",
	} {
		if !strings.Contains(string(array), want) {
			t.Errorf("array.sbatch lacks %q:\n%s", want, array)
		}
	}
	merge, _ := os.ReadFile(filepath.Join(dir, sweep.SlurmDir, sweep.MergeScript))
	if !strings.Contains(string(merge), "exec '/opt/cdnsim' sweep merge '"+abs+"'\n") {
		t.Errorf("merge.sbatch:\n%s", merge)
	}
	calls, _ := os.ReadFile(log)
	want := "--parsable " + filepath.Join(abs, "slurm", "array.sbatch") + "\n" +
		"--parsable --dependency=afterany:101 " + filepath.Join(abs, "slurm", "merge.sbatch") + "\n"
	if string(calls) != want || stdout != "submitted array job 101 (2 tasks)\nsubmitted merge job 102\n" {
		t.Fatalf("sbatch calls\n%s\nwant\n%s\nstdout %q", calls, want, stdout)
	}
	if st, err := os.Stat(filepath.Join(dir, sweep.SlurmDir, sweep.LogsDir)); err != nil || !st.IsDir() {
		t.Errorf("no logs directory for Slurm to write into: %v", err)
	}
	var plan map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, sweep.PlanFile))
	if err := json.Unmarshal(b, &plan); err != nil || plan["tasks"] != 4.0 {
		t.Errorf("plan.json: %v, tasks %v", err, plan["tasks"])
	}
}
