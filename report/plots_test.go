package report

import (
	"os"
	"slices"
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

func TestHourTickerLabels(t *testing.T) {
	t.Parallel()
	labels := func(durH float64) []string {
		var out []string
		for _, tk := range hourTicker(durH)(0, durH) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	cases := []struct {
		name string
		durH float64
		want []string
	}{
		{"a day is labelled every 3 h", 24, []string{"00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "00:00"}},
		{"an hour every 5 min", 1, []string{"00:00", "00:05", "00:10", "00:15", "00:20", "00:25", "00:30", "00:35", "00:40", "00:45", "00:50", "00:55", "01:00"}},
		{"20 s every 2 s with seconds", 20.0 / 3600, []string{"00:00:00", "00:00:02", "00:00:04", "00:00:06", "00:00:08", "00:00:10", "00:00:12", "00:00:14", "00:00:16", "00:00:18", "00:00:20"}},
		{"two days every 6 h with the day", 48, []string{"d1 00:00", "d1 06:00", "d1 12:00", "d1 18:00", "d2 00:00", "d2 06:00", "d2 12:00", "d2 18:00", "d3 00:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := labels(c.durH); !slices.Equal(got, c.want) {
				t.Errorf("labels %v\nwant %v", got, c.want)
			}
		})
	}
}
