package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

func TestBypassByReason(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Hour})
	for i, o := range []topology.Outcome{
		via(topology.Outcome{Edge: byp, BypassReason: topology.BypassMethod}, 100, eo),
		via(topology.Outcome{Edge: byp, BypassReason: topology.BypassMethod}, 100, eo),
		via(topology.Outcome{Edge: byp, BypassReason: topology.BypassDynamic}, 100, eo),
		via(topology.Outcome{Edge: miss, BypassReason: topology.BypassOrigin}, 100, eo),
		{Edge: hit},
	} {
		o.Time, o.Size = sim.Time(i)*sim.Second, 100
		r.Observe(&o)
	}
	s := r.Summary()
	if s.Bypass != (Bypass{Method: 2, Dynamic: 1, Origin: 1}) {
		t.Fatalf("bypass = %+v, want method 2, dynamic 1, origin 1", s.Bypass)
	}
	// Nothing reached the regional tier: the bypasses went from the POP
	// to the origin.
	if s.Tiers.Edge.Bypass != 3 || s.Tiers.Regional.Requests != 0 || s.Tiers.Origin.Requests != 4 || s.Flows.EdgeOrigin != (Flow{4, 400}) {
		t.Fatalf("edge bypass %d regional requests %d origin %d, edge → origin %+v; want 3, 0, 4, {4 400}",
			s.Tiers.Edge.Bypass, s.Tiers.Regional.Requests, s.Tiers.Origin.Requests, s.Flows.EdgeOrigin)
	}
	// Bypassed requests are not cacheable: the edge hit ratio is 1 of 2.
	if s.Tiers.Edge.HitRatio != NewRatio(1, 2) {
		t.Fatalf("edge hit ratio %v, want 0.5", s.Tiers.Edge.HitRatio.Float())
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
		{Edge: hit, Status: 200},
		via(topology.Outcome{Edge: errR, Regional: errR, Status: 504, Size: 512}, 512, er),
		{Edge: errR, Status: 502, Size: 512},
		via(topology.Outcome{Edge: rfh, Regional: rfh, Status: 200, StaleServed: true}, 0, er),
		{Status: 503}, // DNS sent it to a POP that was down
	} {
		r.Observe(&o)
	}
	s := r.Summary()
	if e := s.Errors; !reflect.DeepEqual(e, Errors{Served5xx: 3, StaleServed: 1, POPDown: 1, ByStatus: map[string]int64{"502": 1, "503": 1, "504": 1}}) {
		t.Fatalf("errors = %+v, want 3 5xx (a 502, a 503, a 504), 1 stale and 1 POP down", e)
	}
	// The request to a dead POP reached no cache; the other four reached
	// the edge, where the 502 came from a cached error.
	if e := s.Tiers.Edge; e.Requests != 4 || e.Errors != 2 || e.CachedErrors != 1 || s.Flows.ViewerEdge.Requests != 4 || s.Requests != 5 {
		t.Fatalf("edge %+v, viewer → edge %+v, %d requests", e, s.Flows.ViewerEdge, s.Requests)
	}
	if l := s.Latency.ByResult["Error"]; l.Requests != 3 {
		t.Errorf("by_result.Error counts %d requests, want 3 (the dead POP's with them)", l.Requests)
	}
	// All four fall in the first interval.
	lines := strings.Split(string(r.TimeseriesCSV()), "\n")
	if !strings.HasSuffix(lines[1], ",3,1") || !strings.HasSuffix(lines[2], ",0,0") {
		t.Fatalf("timeseries errors columns: %q, %q; want ...,3,1 then ...,0,0", lines[1], lines[2])
	}
}
