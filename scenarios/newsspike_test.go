package scenarios

import (
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
)

// TestNewsSpikeEndToEnd runs the built-in scenario for its whole day (about
// 6M requests, ~10 s) and checks what a CDN engineer reads off it: the
// viral story shows in the time series — origin load jumps at 13:00 and the
// edge hit ratio dips, then recovers. (The accounting is checked for every
// built-in scenario by TestConservationInEveryBuiltin.)
func TestNewsSpikeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("a full simulated day")
	}
	t.Parallel()
	r := sharedRun(t, "news-spike", longBuiltin["news-spike"]...)
	sum := r.Recorder.Summary()
	if sum.Requests < 5_000_000 {
		t.Fatalf("%d requests, the scenario promises at least 5M", sum.Requests)
	}
	e, b := sum.Tiers.Edge, sum.Bypass
	if e.Requests != sum.Requests {
		t.Errorf("edge: %d requests of %d", e.Requests, sum.Requests)
	}
	if b.Method == 0 || b.Dynamic == 0 || sum.Invalidations.Objects == 0 || sum.Revalidations.NotModified == 0 {
		t.Errorf("features the scenario exercises are missing: bypass %+v, invalidations %+v, revalidations %+v", b, sum.Invalidations, sum.Revalidations)
	}

	rows, err := csv.NewReader(strings.NewReader(string(r.Recorder.TimeseriesCSV()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// mean of a column over [from, to) hours, and its min and max there.
	stat := func(name string, from, to float64) (mean, lo, hi float64) {
		n := 0
		lo, hi = 1e18, -1e18
		for _, row := range rows[1:] {
			h, _ := strconv.ParseFloat(row[col["hour"]], 64)
			if h < from || h >= to {
				continue
			}
			v, _ := strconv.ParseFloat(row[col[name]], 64)
			mean += v
			lo, hi = min(lo, v), max(hi, v)
			n++
		}
		return mean / float64(n), lo, hi
	}
	before, _, _ := stat("origin_rps", 12, 13)
	_, _, peak := stat("origin_rps", 13, 14)
	if peak < 1.5*before {
		t.Errorf("origin load peaks at %.1f req/s after 13:00, against %.1f the hour before: the spike should show (≥ 1.5×)", peak, before)
	}
	edgeBefore, _, _ := stat("edge_hit_ratio", 12, 13)
	_, dip, _ := stat("edge_hit_ratio", 13, 16)
	edgeEvening, _, _ := stat("edge_hit_ratio", 18, 20)
	edgeLate, _, _ := stat("edge_hit_ratio", 21, 23)
	if dip > edgeBefore-0.05 {
		t.Errorf("edge hit ratio %.3f before the spike, lowest %.3f during it: want a dip of at least 5 points", edgeBefore, dip)
	}
	// The story's segments pushed other content out of the POPs, and the
	// invalidation at 14:30 emptied them of video: the edge recovers
	// through the evening (without the spike, its hit ratio holds at the
	// midday level all afternoon).
	if edgeLate < dip+0.08 || edgeLate < edgeEvening || edgeEvening < edgeBefore-0.08 {
		t.Errorf("edge hit ratio %.3f before the spike, %.3f at its lowest, %.3f at 18-20h, %.3f at 21-23h: it should recover",
			edgeBefore, dip, edgeEvening, edgeLate)
	}
}
