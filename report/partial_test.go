package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

// TestStopCoversTheSimulatedPart stops the hand-computed run at 12.5 s,
// after the first seven of its outcomes: the outputs cover 12.5 s, say
// they are partial, and their rates are over 12.5 s.
func TestStopCoversTheSimulatedPart(t *testing.T) {
	t.Parallel()
	r := NewRecorder(handConfig())
	for i := range handOutcomes[:7] {
		o := handOutcomes[i]
		r.Observe(&o)
	}
	r.Stop(12500 * sim.Millisecond)
	s := r.Summary()
	if !s.Partial || s.SimulatedUntilS != 12.5 || s.DurationS != 12.5 || s.Requests != 7 {
		t.Errorf("partial %v, simulated until %v s, duration %v s, %d requests; want true, 12.5, 12.5, 7", s.Partial, s.SimulatedUntilS, s.DurationS, s.Requests)
	}
	// Two origin fetches (the regional miss at 2.1 s, the POST at 12 s).
	if s.Tiers.Origin.MeanRPS != 2/12.5 {
		t.Errorf("origin mean rps %v, want 2/12.5", s.Tiers.Origin.MeanRPS)
	}
	if len(s.Markers) != 1 {
		t.Errorf("markers %v: the one at 12 s is before the stop", s.Markers)
	}
	js, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"partial": true,`) || !strings.Contains(string(js), `"simulated_until_s": 12.5,`) {
		t.Errorf("summary.json lacks partial and simulated_until_s:\n%.400s", js)
	}
	// Rows [0, 10) and [10, 12.5): one origin fetch in 2.5 s.
	lines := strings.Split(strings.TrimSuffix(string(r.TimeseriesCSV()), "\n"), "\n")
	rps := slices.Index(strings.Split(lines[0], ","), "origin_rps")
	if len(lines) != 3 || strings.Split(lines[2], ",")[rps] != "0.400" {
		t.Errorf("rows %q: want 2, the second with origin_rps 1/2.5", lines[1:])
	}
	if got := r.title("x"); !strings.Contains(got, "PARTIAL: interrupted after 12.5s") {
		t.Errorf("plot title %q does not say the run is partial", got)
	}
	// A stop before the first marker drops it: it did not happen.
	r = NewRecorder(handConfig())
	r.Stop(5 * sim.Second)
	if s := r.Summary(); len(s.Markers) != 0 || s.DurationS != 5 {
		t.Errorf("stopped at 5 s: markers %v, duration %v", s.Markers, s.DurationS)
	}
	// A complete run's summary.json has neither key.
	js, _ = handRecorder().Summary().JSON()
	if strings.Contains(string(js), "partial") || strings.Contains(string(js), "simulated_until") {
		t.Errorf("a complete run's summary.json mentions partial: %.300s", js)
	}
}

// TestManyMarkersAtOnceAreOneLabel: four events at one instant are one
// label on the first; three keep theirs.
func TestManyMarkersAtOnceAreOneLabel(t *testing.T) {
	t.Parallel()
	var ms []Marker
	for _, l := range []string{"a down", "b down", "c down", "d down"} {
		ms = append(ms, Marker{At: 0, Label: l})
	}
	ms = append(ms, Marker{At: sim.Hour, Label: "x"}, Marker{At: sim.Hour, Label: "y"}, Marker{At: sim.Hour, Label: "z"})
	var got []string
	for _, m := range labelled(ms) {
		got = append(got, m.Label)
	}
	if want := "4 events,,,,x,y,z"; strings.Join(got, ",") != want {
		t.Errorf("labels %q, want %q", strings.Join(got, ","), want)
	}
	if ms[1].Label != "b down" {
		t.Error("labelled changed its argument")
	}
}
