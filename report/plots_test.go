package report

import (
	"os"
	"testing"
)

// TestPlotsSyntheticDay renders the plots of a synthetic day. Set
// REPORT_PLOT_DIR to keep them for a look.
func TestPlotsSyntheticDay(t *testing.T) {
	dir := os.Getenv("REPORT_PLOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	r := NewRecorder(synthConfig())
	synthDay(r, 1, 1)
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary().Text())
}
