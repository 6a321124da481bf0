package sweep

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cdnsim/cdnsim/scenarios"
)

// writeSweep writes src as DIR/name and parses it.
func writeSweep(t *testing.T, dir, name, src string) (*Sweep, error) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return ReadFile(path)
}

// plan parses and plans src, failing the test on an error.
func plan(t *testing.T, dir, src string) *Plan {
	t.Helper()
	sw, err := writeSweep(t, dir, "sw.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sw.Plan()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tenMinutes keeps a run of news-spike, without its day of warm-up, to a
// tenth of a second.
const tenMinutes = "[set]\n\"workload.duration\" = \"10m\"\n\"warmup\" = \"0s\"\n"

func TestBadSweepsNameFileLineAndKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A base valid alone whose outage window two axis values can break
	// only together.
	src, _, err := scenarios.ReadSource("news-spike")
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "\n[[pops.outages]]\nsite = \"IAD\"\nstart = \"1h\"\nend = \"2h\"\n"...)
	if err := os.WriteFile(filepath.Join(dir, "outage.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, want string }{
		{"base = \"news-spike\"\nreplicate = 3\n", "sw.toml:2: replicate: unknown key"},
		{"replicates = 3\n", "sw.toml: base: missing"},
		{"base = \"no-such\"\n", "sw.toml:1: base: no-such: no such file, and no built-in scenario"},
		{"base = \"news-spike\"\nreplicates = 0\n", "sw.toml:2: replicates: must be at least 1, got 0"},
		{"base = \"news-spike\"\nseeds = []\n", "sw.toml:2: seeds: an empty list"},
		{"base = \"news-spike\"\nseeds = [1, 2, 1]\n", "sw.toml:2: seeds[2]: seed 1 is listed twice"},
		{"base = \"news-spike\"\nseeds = [-1]\n", "sw.toml:2: seeds[0]: a seed is >= 0, got -1"},
		{"base = \"news-spike\"\nreplicates = 2\nseeds = [1]\n", "sw.toml:3: seeds: give replicates or seeds, not both"},
		{"base = \"news-spike\"\nreplicates = \"two\"\n", "sw.toml:2: replicates: incompatible types"},
		{"base = \"news-spike\"\n[axes]\n\"pops.policy\" = []\n", `sw.toml:3: axes."pops.policy": an empty list`},
		{"base = \"news-spike\"\n[axes]\n\"pops.policy\" = \"lru\"\n", `sw.toml:3: axes."pops.policy": want a list of values`},
		{"base = \"news-spike\"\n[axes]\n\"pops.policy\" = [\"lru\",\n  \"lru\"]\n", `sw.toml:4: axes."pops.policy"[1]: "lru" is listed twice`},
		// An unknown key: every value fails alike, so the key is named.
		{"base = \"news-spike\"\n[axes]\n\"pops.polcy\" = [\"lru\", \"sieve\"]\n", `sw.toml:3: axes."pops.polcy": unknown key (misspelt, or in the wrong table?)`},
		// A value the scenario rejects, on its own line, checked before any run.
		{"base = \"news-spike\"\n[axes]\n\"pops.capacity\" = [\n  \"1GB\",\n  -5,\n]\n", `sw.toml:5: axes."pops.capacity"[1]: value -5: size -5 is negative`},
		{"base = \"news-spike\"\n[axes]\n\"pops.policy\" = [\"lru\", \"nope\"]\n", `sw.toml:3: axes."pops.policy"[1]: value "nope": unknown eviction policy "nope"`},
		{"base = \"news-spike\"\n[set]\n\"pops.capacity\" = \"huge\"\n", `sw.toml:3: set."pops.capacity": "huge" is not a size`},
		{"base = \"news-spike\"\n[set]\n\"pops.capacity\" = \"1GB\"\n[axes]\n\"pops.capacity\" = [\"2GB\"]\n", `sw.toml:5: axes."pops.capacity": is also in [set]`},
		{"base = \"news-spike\"\nreplicates = 2\n[axes]\nseed = [1, 2]\n", "sw.toml:4: axes.seed: the seeds come from replicates or seeds"},
		{"base = \"news-spike\"\nsample = 0\n", "sw.toml:2: sample: sample rate 0 is outside (0, 1]"},
		{"base = \"news-spike\"\nsample = 1.5\n", "sw.toml:2: sample: sample rate 1.5 is outside (0, 1]"},
		{"base = \"outage.toml\"\n[axes]\n\"pops.outages[0].start\" = [\"1h\", \"90m\"]\n\"pops.outages[0].end\" = [\"2h\", \"75m\"]\n",
			`sw.toml:1: base: the point pops.outages[0].start = "90m", pops.outages[0].end = "75m": ` + filepath.Join(dir, "outage.toml") + ":"},
	} {
		sw, err := writeSweep(t, dir, "sw.toml", tc.src)
		if err == nil {
			_, err = sw.Plan()
		}
		var se *scenarios.Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), filepath.Join(dir, tc.want)) {
			t.Errorf("%q:\n got %v\nwant %s (a *scenarios.Error)", tc.src, err, tc.want)
		}
	}
}

func TestPlanListsPointsThenSeedsInTasks(t *testing.T) {
	t.Parallel()
	p := plan(t, t.TempDir(), "base = \"news-spike\"\nseeds = [7, 3]\nruns_per_task = 5\n"+tenMinutes+
		"[axes]\n\"pops.policy\" = [\"lru\", \"sieve\"]\n\"pops.capacity\" = [\"64MB\", 1073741824, \"4GB\"]\n")
	if len(p.Runs) != 12 || p.Tasks != 3 {
		t.Fatalf("%d runs in %d tasks, want 12 in 3", len(p.Runs), p.Tasks)
	}
	var got []string
	for i, r := range p.Runs {
		if r.Task != i/5 || r.Point != i/2 {
			t.Errorf("run %d: task %d point %d, want %d and %d", i, r.Task, r.Point, i/5, i/2)
		}
		got = append(got, strings.Join(r.Values, "/")+"@"+strings.Join(r.Overrides, " ")+"#"+string(rune('0'+r.Seed)))
	}
	want := []string{
		`lru/64MB@workload.duration="10m" warmup="0s" pops.policy="lru" pops.capacity="64MB"#7`,
		`lru/64MB@workload.duration="10m" warmup="0s" pops.policy="lru" pops.capacity="64MB"#3`,
		`lru/1073741824@workload.duration="10m" warmup="0s" pops.policy="lru" pops.capacity=1073741824#7`,
	}
	if !slices.Equal(got[:3], want) || !strings.HasPrefix(got[11], "sieve/4GB@") {
		t.Errorf("runs\n%s\nwant first\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(p.TaskRuns(2)) != 2 || p.TaskRuns(2)[0] != p.Runs[10] {
		t.Errorf("task 2 holds %d runs", len(p.TaskRuns(2)))
	}
}

func TestRunIDsSurviveEditsOfTheSweep(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ids := func(src string) map[string]string { // values and seed → ID
		p := plan(t, dir, src)
		out := map[string]string{}
		for _, r := range p.Runs {
			out[strings.Join(r.Values, "/")+"#"+string(rune('0'+r.Seed))] = r.ID
		}
		return out
	}
	base := ids("base = \"news-spike\"\nreplicates = 2\n" + tenMinutes +
		"[axes]\n\"pops.policy\" = [\"lru\", \"sieve\"]\n\"pops.capacity\" = [\"64MB\", \"1GB\"]\n")
	if len(base) != 8 {
		t.Fatalf("%d distinct runs, want 8", len(base))
	}
	// More seeds, a new value, comments: the old runs keep their IDs.
	grown := ids("# edited\nbase = \"news-spike\"\nreplicates = 3\n" + tenMinutes +
		"[axes]\n\"pops.policy\" = [\"lru\", \"s3fifo\", \"sieve\"] # one more\n\"pops.capacity\" = [\"64MB\", \"1GB\"]\n")
	if len(grown) != 18 {
		t.Fatalf("%d runs, want 18", len(grown))
	}
	for k, id := range base {
		if grown[k] != id {
			t.Errorf("%s: ID %s became %s", k, id, grown[k])
		}
	}
	// The axes in the other order: the same runs.
	swapped := ids("base = \"news-spike\"\nreplicates = 2\n" + tenMinutes +
		"[axes]\n\"pops.capacity\" = [\"64MB\", \"1GB\"]\n\"pops.policy\" = [\"lru\", \"sieve\"]\n")
	for k, id := range swapped {
		v := strings.SplitN(k, "/", 2)
		rest := strings.SplitN(v[1], "#", 2)
		if base[rest[0]+"/"+v[0]+"#"+rest[1]] != id {
			t.Errorf("%s: ID %s is not the unswapped run's", k, id)
		}
	}
	// A changed fixed setting changes every run.
	longer := ids("base = \"news-spike\"\nreplicates = 2\n[set]\n\"workload.duration\" = \"20m\"\n" +
		"[axes]\n\"pops.policy\" = [\"lru\", \"sieve\"]\n\"pops.capacity\" = [\"64MB\", \"1GB\"]\n")
	for k, id := range longer {
		if base[k] == id {
			t.Errorf("%s kept ID %s with another duration", k, id)
		}
	}
}

func TestWritePlanRefusesAnotherSweepsDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for i, name := range []string{"a.toml", "a.toml", "b.toml"} {
		sw, err := writeSweep(t, dir, name, "base = \"news-spike\"\n"+tenMinutes)
		if err != nil {
			t.Fatal(err)
		}
		p, err := sw.Plan()
		if err != nil {
			t.Fatal(err)
		}
		err = sw.WritePlan(out, p)
		if i < 2 && err != nil {
			t.Fatalf("planning %s again: %v", name, err)
		}
		if i == 2 && (err == nil || !strings.Contains(err.Error(), "b.toml: name: "+out+` holds the plan of another sweep, "a"`)) {
			t.Fatalf("b.toml into a's directory: %v", err)
		}
	}
	if p, err := ReadPlan(out); err != nil || p.Sweep != "a" {
		t.Fatalf("the plan was replaced: %v %v", p, err)
	}
}

func TestExecuteWritesOnceAndSkipsAfter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := plan(t, dir, "base = \"news-spike\"\nseeds = [4]\n"+tenMinutes)
	r := p.Runs[0]
	// The same run twice at once: one rename wins, neither fails.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = p.Execute(dir, r) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || !Done(dir, r) {
		t.Fatalf("two executions: %v, %v; done %v", errs[0], errs[1], Done(dir, r))
	}
	if left, _ := os.ReadDir(filepath.Join(dir, TmpDir)); len(left) != 0 {
		t.Errorf("tmp holds %d entries after the runs", len(left))
	}
	got, err := os.ReadFile(filepath.Join(RunDir(dir, r), "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The in-memory path gives the same bytes.
	sr, err := p.Simulate(r)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sr.Recorder.Summary().JSON()
	if !bytes.Equal(got, want) || !bytes.Contains(got, []byte(`"seed": 4,`)) {
		t.Fatalf("summary.json on disk and in memory differ:\n%s\n%s", got, want)
	}
	if skipped, err := p.Execute(dir, r); !skipped || err != nil {
		t.Fatalf("a finished run again: skipped %v, %v", skipped, err)
	}
}

func TestAFailedRunIsRecordedAndRetried(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.csv")
	rows := "time,obj_id,size,metro,method,path\n0,1,1000,London,GET,/a\n1,1,1000,London,GET,/a\n"
	if err := os.WriteFile(trace, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	p := plan(t, dir, "base = \"news-spike\"\n[set]\n\"warmup\" = \"0s\"\n\"workload.trace\" = \""+trace+"\"\n")
	r := p.Runs[0]
	// The trace vanishes between the plan and the run.
	if err := os.Remove(trace); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Execute(dir, r); err == nil {
		t.Fatal("a run without its trace succeeded")
	}
	st := p.Status(dir)
	if len(st.Failed) != 1 || !strings.Contains(st.Reasons[r.ID], "t.csv") || Done(dir, r) {
		t.Fatalf("status %+v", st)
	}
	if err := os.WriteFile(trace, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Execute(dir, r); err != nil {
		t.Fatal(err)
	}
	if st := p.Status(dir); len(st.Done) != 1 || len(st.Failed) != 0 {
		t.Fatalf("after the retry: %+v", st)
	}
}

func TestArraySpec(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tasks []int
		want  string
	}{
		{[]int{0, 1, 2, 3}, "0-3"},
		{[]int{5}, "5"},
		{[]int{0, 2, 3, 4, 7, 9, 10}, "0,2-4,7,9-10"},
	} {
		if got := arraySpec(tc.tasks); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.tasks, got, tc.want)
		}
	}
}

// TestTheExampleSweepPlans keeps the README's sweep file working.
func TestTheExampleSweepPlans(t *testing.T) {
	t.Parallel()
	sw, err := ReadFile("../sweeps/policy-size.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := sw.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Runs) != 120 || p.Tasks != 12 || len(p.Axes) != 2 || p.Axes[0].Key != "pops.capacity" || len(p.Seeds) != 6 {
		t.Fatalf("%d runs in %d tasks, axes %v, seeds %v", len(p.Runs), p.Tasks, p.Axes, p.Seeds)
	}
}

// TestASampledSweepRunsMiniatures: sample = R makes every run a miniature
// (the plan's scenario has its caches scaled, the run ID differs from the
// whole run's), and sample = 1 is the whole run, ID included.
func TestASampledSweepRunsMiniatures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const grid = "[set]\n\"workload.duration\" = \"10m\"\n\"warmup\" = \"10m\"\n[axes]\n\"pops.capacity\" = [\"1GB\"]\n"
	whole := plan(t, dir, "base = \"news-spike\"\n"+grid)
	one := plan(t, dir, "base = \"news-spike\"\nsample = 1\n"+grid)
	mini := plan(t, dir, "base = \"news-spike\"\nsample = 0.25\n"+grid)
	if one.Runs[0].ID != whole.Runs[0].ID || mini.Runs[0].ID == whole.Runs[0].ID {
		t.Errorf("run IDs: whole %s, sample 1 %s, sample 0.25 %s", whole.Runs[0].ID, one.Runs[0].ID, mini.Runs[0].ID)
	}
	if mini.Runs[0].Sample != 0.25 {
		t.Fatalf("spec %+v", mini.Runs[0].Spec)
	}
	s, err := mini.Scenario(mini.Runs[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Topology.POPs[0].Cache.Capacity; got != 1<<30/4 || s.Slice.Rate() != 0.25 {
		t.Errorf("miniature POP capacity %d, rate %v; want %d, 0.25", got, s.Slice.Rate(), 1<<30/4)
	}
	sr, err := mini.Simulate(mini.Runs[0])
	if err != nil {
		t.Fatal(err)
	}
	if sum := sr.Recorder.Summary(); sum.SampleRate != 0.25 {
		t.Errorf("summary sample_rate %v", sum.SampleRate)
	}
}
