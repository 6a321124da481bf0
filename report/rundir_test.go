package report

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// names lists a directory's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRunDirReplacesTheOlderRunAsAWhole(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "news-spike")
	// An older run wrote an access log; the new one does not.
	for i, files := range [][]string{{SummaryFile, AccessLogFile}, {SummaryFile, TimeseriesFile}} {
		d, err := CreateRunDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			writeFile(t, filepath.Join(d.Path(), f), "run "+string(rune('A'+i)))
		}
		// Until Commit, the directory is the older run's.
		if i == 1 {
			if got := names(t, dir); !slices.Equal(got, []string{AccessLogFile, SummaryFile}) {
				t.Errorf("before Commit: %v", got)
			}
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if got := names(t, dir); !slices.Equal(got, []string{SummaryFile, TimeseriesFile}) {
		t.Errorf("after the second run: %v, want only its files", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, SummaryFile)); string(b) != "run B" {
		t.Errorf("summary.json: %q", b)
	}
	if got := names(t, parent); !slices.Equal(got, []string{"news-spike"}) {
		t.Errorf("beside it: %v, want no staging directory or lock left", got)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm()&0o055 == 0 {
		t.Errorf("mode %v: others cannot read the outputs", st.Mode())
	}
}

func TestRunDirAbortLeavesTheOlderRun(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "x")
	d, _ := CreateRunDir(dir)
	writeFile(t, filepath.Join(d.Path(), SummaryFile), "old")
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	d, err := CreateRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(d.Path(), SummaryFile), "new, half written")
	d.Abort()
	d.Abort() // twice is harmless
	if b, _ := os.ReadFile(filepath.Join(dir, SummaryFile)); string(b) != "old" {
		t.Errorf("summary.json after an aborted run: %q", b)
	}
	if got := names(t, parent); !slices.Equal(got, []string{"x"}) {
		t.Errorf("beside it: %v", got)
	}
	// A file created after Abort has nowhere to go.
	if err := os.WriteFile(filepath.Join(d.Path(), "late"), nil, 0o644); err == nil {
		t.Error("a file could be created in the staging directory after Abort")
	}
}

func TestRunDirLockStopsASecondRun(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "x")
	first, err := CreateRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = CreateRunDir(dir)
	if !errors.Is(err, ErrLocked) || !strings.HasPrefix(err.Error(), dir+": another cdnsim run is writing into it (process ") {
		t.Fatalf("second run: %v", err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	second, err := CreateRunDir(dir)
	if err != nil {
		t.Fatalf("after the first run ended: %v", err)
	}
	second.Abort()
}

func TestRunDirRefusesWhatIsNotARunsDirectory(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	writeFile(t, file, "x")
	mine := filepath.Join(parent, "mine")
	os.Mkdir(mine, 0o755)
	writeFile(t, filepath.Join(mine, "thesis.tex"), "x")
	for _, tc := range []struct{ dir, want string }{
		{file, file + ": is a file, not a directory (-o names the output directory)"},
		{mine, mine + ": holds thesis.tex, which no run writes"},
		{filepath.Join(file, "sub"), file + "/sub: "},
		{".", ".: not a directory a run can write into"},
	} {
		d, err := CreateRunDir(tc.dir)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.dir, err, tc.want)
		}
		if d != nil {
			d.Abort()
		}
	}
	if b, _ := os.ReadFile(filepath.Join(mine, "thesis.tex")); string(b) != "x" {
		t.Error("a directory of other files was touched")
	}
	if got := names(t, parent); !slices.Equal(got, []string{"file", "mine"}) {
		t.Errorf("left beside them: %v", got)
	}
	// A directory of an older version's outputs, with a temporary file of
	// an interrupted write, is a run's.
	old := filepath.Join(parent, "old")
	os.Mkdir(old, 0o755)
	writeFile(t, filepath.Join(old, SummaryFile), "{}")
	writeFile(t, filepath.Join(old, ".access.log.tmp123"), "")
	d, err := CreateRunDir(old)
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
}

func TestRunDirRemovesStagingOfKilledRuns(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	stale := filepath.Join(parent, ".x.tmp-99999999")
	os.Mkdir(stale, 0o755)
	writeFile(t, filepath.Join(stale, AccessLogFile), "half")
	d, err := CreateRunDir(filepath.Join(parent, "x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a killed run's staging directory is still there: %v", err)
	}
	d.Abort()
}

func TestManifestJSON(t *testing.T) {
	t.Parallel()
	m := Manifest{Cdnsim: BuildInfo(), Command: "run", Scenario: ScenarioRef{Name: "n", Source: "builtin:n", SHA256: "ab"},
		Seed: 3, Status: StatusPartial, SimulatedUntilS: 3600, Signal: "interrupt"}
	var back map[string]any
	if err := json.Unmarshal(m.JSON(), &back); err != nil {
		t.Fatal(err)
	}
	// Empty lists are [], not null; the Go version is known in a test binary.
	if o, ok := back["overrides"].([]any); !ok || len(o) != 0 {
		t.Errorf("overrides: %#v", back["overrides"])
	}
	if c := back["cdnsim"].(map[string]any); c["go"] == "" || c["version"] == "" {
		t.Errorf("cdnsim: %#v", c)
	}
	if back["status"] != "partial" || back["simulated_until_s"] != 3600.0 || back["signal"] != "interrupt" {
		t.Errorf("%v", back)
	}
}
