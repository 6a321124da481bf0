package report

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFilesCreatesAllFive(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out", "hand") // MkdirAll of a nested dir
	r := handRecorder()
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	want := []string{HitRatioPlot, LatencyPlot, OriginLoadPlot, SummaryFile, TimeseriesFile}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for _, name := range []string{HitRatioPlot, OriginLoadPlot, LatencyPlot} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != plotWidthPx || b.Dy() < plotHeight {
			t.Errorf("%s is %v, want %d px wide and at least %d tall", name, b, plotWidthPx, plotHeight)
		}
	}
	js, _ := r.Summary().JSON()
	if got, _ := os.ReadFile(filepath.Join(dir, SummaryFile)); !bytes.Equal(got, js) {
		t.Error("summary.json differs from Summary().JSON()")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, TimeseriesFile)); !bytes.Equal(got, r.TimeseriesCSV()) {
		t.Error("timeseries.csv differs from TimeseriesCSV()")
	}
	if fi, _ := os.Stat(filepath.Join(dir, SummaryFile)); fi.Mode().Perm() != 0o644 {
		t.Errorf("summary.json mode %v, want 0644", fi.Mode().Perm())
	}
	// Writing again replaces the files in place.
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("after a rewrite: %v", got)
	}
}

func TestWriteFilesIntoAFileFails(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	file := filepath.Join(base, "taken")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := handRecorder().WriteFiles(file); err == nil {
		t.Fatal("WriteFiles into a regular file succeeded")
	}
	if got := listDir(t, base); !slices.Equal(got, []string{"taken"}) {
		t.Errorf("left behind %v", got)
	}
	if b, _ := os.ReadFile(file); string(b) != "x" {
		t.Error("the file in the way was changed")
	}
}

func TestWriteFilesFailureLeavesNoPartialFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A directory where timeseries.csv should go makes the rename fail
	// after summary.json was written.
	if err := os.Mkdir(filepath.Join(dir, TimeseriesFile), 0o755); err != nil {
		t.Fatal(err)
	}
	err := handRecorder().WriteFiles(dir)
	if err == nil || !strings.Contains(err.Error(), TimeseriesFile) {
		t.Fatalf("err = %v, want one naming %s", err, TimeseriesFile)
	}
	for _, name := range listDir(t, dir) {
		if strings.Contains(name, ".tmp") {
			t.Errorf("temporary file %s left behind", name)
		}
	}
	// What was written before the failure is whole.
	js, _ := handRecorder().Summary().JSON()
	if got, _ := os.ReadFile(filepath.Join(dir, SummaryFile)); !bytes.Equal(got, js) {
		t.Error("summary.json is not complete")
	}
}
