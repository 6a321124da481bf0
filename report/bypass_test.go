package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

func TestBypassByReason(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Hour})
	for i, o := range []topology.Outcome{
		{Edge: topology.Bypass, Regional: topology.Bypass, Origin: true, BypassReason: topology.BypassMethod},
		{Edge: topology.Bypass, Regional: topology.Bypass, Origin: true, BypassReason: topology.BypassMethod},
		{Edge: topology.Bypass, Regional: topology.Bypass, Origin: true, BypassReason: topology.BypassDynamic},
		{Edge: topology.Miss, Regional: topology.Bypass, Origin: true, BypassReason: topology.BypassOrigin},
		{Edge: topology.Hit},
	} {
		o.Time, o.Size = sim.Time(i)*sim.Second, 100
		r.Observe(&o)
	}
	s := r.Summary()
	if s.Bypass != (Bypass{Method: 2, Dynamic: 1, Origin: 1}) {
		t.Fatalf("bypass = %+v, want method 2, dynamic 1, origin 1", s.Bypass)
	}
	if s.Tiers.Edge.Bypass != 3 || s.Tiers.Regional.Bypass != 4 || s.Tiers.Origin.Requests != 4 {
		t.Fatalf("edge bypass %d regional bypass %d origin %d; want 3, 4, 4", s.Tiers.Edge.Bypass, s.Tiers.Regional.Bypass, s.Tiers.Origin.Requests)
	}
	b, _ := s.JSON()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	var bp map[string]int64
	if err := json.Unmarshal(raw["bypass"], &bp); err != nil || bp["method"] != 2 || bp["dynamic"] != 1 || bp["origin"] != 1 {
		t.Fatalf("summary.json bypass = %s (%v)", raw["bypass"], err)
	}
}

func TestErrorCounts(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Hour})
	for _, o := range []topology.Outcome{
		{Edge: topology.Hit, Status: 200},
		{Edge: topology.Miss, Status: 504, Origin: true},
		{Edge: topology.Miss, Status: 502},
		{Edge: topology.Miss, Status: 200, StaleServed: true, Origin: true},
	} {
		r.Observe(&o)
	}
	if e := r.Summary().Errors; e != (Errors{Served5xx: 2, StaleServed: 1}) {
		t.Fatalf("errors = %+v, want 2 5xx and 1 stale", e)
	}
	// All four fall in the first interval.
	lines := strings.Split(string(r.TimeseriesCSV()), "\n")
	if !strings.HasSuffix(lines[1], ",2,1") || !strings.HasSuffix(lines[2], ",0,0") {
		t.Fatalf("timeseries errors columns: %q, %q; want ...,2,1 then ...,0,0", lines[1], lines[2])
	}
}
