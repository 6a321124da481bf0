package report

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// TestEverythingFailed: three requests to POPs that were down. Nothing
// was served, so no ratio is defined — the origin offload neither, which
// 1 − 0/3 would make 100% — each says why, and the paragraph says first
// that every request failed.
func TestEverythingFailed(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Minute, Interval: sim.Minute})
	for i := range 3 {
		o := topology.Outcome{Time: sim.Time(i) * sim.Second, Status: 503, TTFB: sim.Millisecond}
		r.Observe(&o)
	}
	s := r.Summary()
	if s.OriginOffload.Requests.Defined() || s.OriginOffload.Bytes.Defined() || s.Tiers.Edge.HitRatio.Defined() {
		t.Errorf("defined ratios in a run that served nothing: %+v %+v", s.OriginOffload, s.Tiers.Edge)
	}
	failed := ": all 3 requests failed (503 × 3)"
	want := map[string]string{
		"origin_offload.requests": "nothing was served and nothing fetched from an origin" + failed,
		"origin_offload.bytes":    "no body byte was served to viewers" + failed,
		"tiers.edge":              "no request reached a POP's cache" + failed,
		"tiers.regional":          "no request reached this tier" + failed,
		"tiers.shield":            "no request reached this tier" + failed,
	}
	if !reflect.DeepEqual(s.Undefined, want) {
		t.Errorf("undefined:\n%v\nwant\n%v", s.Undefined, want)
	}
	if txt := s.Text(); !strings.Contains(txt, "over 1m. All 3 requests FAILED: 503 × 3; 3 requests went to a POP that was down. Hit ratio: edge n/a") ||
		!strings.Contains(txt, "origin offload n/a of requests") {
		t.Errorf("paragraph: %s", txt)
	}
	lines := strings.Split(string(r.TimeseriesCSV()), "\n")
	col := slices.Index(strings.Split(lines[0], ","), "origin_offload")
	if f := strings.Split(lines[1], ","); f[col] != "" {
		t.Errorf("origin_offload %q in an interval that served nothing, want empty", f[col])
	}
	js, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"requests": null,`) || !strings.Contains(string(js), `"by_status": {`) {
		t.Errorf("summary.json: %.600s", js)
	}
}

// TestSomeFailedIsASentence: when some requests fail the paragraph counts
// them by status, and the ratios stay defined.
func TestSomeFailedIsASentence(t *testing.T) {
	t.Parallel()
	s := fullHandRecorder().Summary()
	if txt := s.Text(); !strings.Contains(txt, ". 1 request failed (503 × 1). Hit ratio:") {
		t.Errorf("paragraph: %s", txt)
	}
}
