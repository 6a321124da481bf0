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
	// The 502 was answered from the edge's cached error, the 504 from the
	// regional cache's (it sent nothing upstream): two negative-cache hits.
	want := Errors{Served5xx: 3, StaleServed: 1, POPDown: 1, ByStatus: map[string]int64{"502": 1, "503": 1, "504": 1}, NegativeCacheHits: 2}
	if e := s.Errors; !reflect.DeepEqual(e, want) {
		t.Fatalf("errors = %+v, want %+v", e, want)
	}
	// The request to a dead POP reached no cache; the other four reached
	// the edge, where the 502 came from a cached error.
	if e := s.Tiers.Edge; e.Requests != 4 || e.Errors != 2 || e.CachedErrors != 1 || s.Flows.ViewerEdge.Requests != 4 || s.Requests != 5 {
		t.Fatalf("edge %+v, viewer → edge %+v, %d requests", e, s.Flows.ViewerEdge, s.Requests)
	}
	if l := s.Latency.ByResult["Error"]; l.Requests != 3 {
		t.Errorf("by_result.Error counts %d requests, want 3 (the dead POP's with them)", l.Requests)
	}
	// All five fall in the first interval: errors_5xx, stale_served,
	// errors_4xx, negative_cache_hits, failovers.
	lines := strings.Split(string(r.TimeseriesCSV()), "\n")
	if !strings.HasSuffix(lines[1], ",3,1,0,2,0") || !strings.HasSuffix(lines[2], ",0,0,0,0,0") {
		t.Fatalf("timeseries errors columns: %q, %q; want ...,3,1,0,2,0 then ...,0,0,0,0,0", lines[1], lines[2])
	}
}

// TestErrorCountsByStatus: 404s and 403s count as 4xx answers and by
// status; answers from a cached error at any tier are negative-cache
// hits; failovers are counted from the Outcomes.
func TestErrorCountsByStatus(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Hour})
	for _, o := range []topology.Outcome{
		// A 404 from the origin, cached on the way down.
		via(topology.Outcome{Edge: errR, Regional: errR, Status: 404, Size: 512}, 512, er, ro),
		// The same 404 from the POP's cache, then from the regional cache's.
		{Edge: errR, Status: 404, Size: 512},
		via(topology.Outcome{Edge: errR, Regional: errR, Status: 404, Size: 512}, 512, er),
		// A 403 that failed over to the secondary origin, which refused too.
		via(topology.Outcome{Edge: errR, Regional: errR, Status: 403, Size: 512, Failover: true}, 512, er, ro),
		// A failover that worked.
		via(topology.Outcome{Edge: miss, Regional: miss, Status: 200, Size: 100, Failover: true}, 100, er, ro),
		{Edge: hit, Status: 200, Size: 100},
	} {
		r.Observe(&o)
	}
	s := r.Summary()
	want := Errors{Served4xx: 4, ByStatus: map[string]int64{"403": 1, "404": 3}, NegativeCacheHits: 2, Failovers: 2}
	if !reflect.DeepEqual(s.Errors, want) {
		t.Fatalf("errors = %+v, want %+v", s.Errors, want)
	}
	// Errors are not cacheable: the edge's hit ratio is 1 of 2.
	if e := s.Tiers.Edge; e.Errors != 4 || e.HitRatio != NewRatio(1, 2) {
		t.Fatalf("edge %+v", e)
	}
	if o := s.Tiers.Origin; o.Requests != 3 {
		t.Fatalf("origin requests %d, want 3 (the 404 fetched once, the 403 and the failover)", o.Requests)
	}
	// timeseries.csv has them per interval, as summary.json's errors: all
	// six arrived at 0 s; a seventh, a failover answered with a 404 from
	// the secondary 7 minutes in, lands in the second 5-minute interval.
	o := via(topology.Outcome{Time: 7 * sim.Minute, Edge: errR, Regional: errR, Status: 404, Size: 512, Failover: true}, 512, er, ro)
	r.Observe(&o)
	for i, want := range []map[string]string{
		{"errors_4xx": "4", "negative_cache_hits": "2", "failovers": "2", "errors_5xx": "0"},
		{"errors_4xx": "1", "negative_cache_hits": "0", "failovers": "1", "errors_5xx": "0"},
		{"errors_4xx": "0", "negative_cache_hits": "0", "failovers": "0", "errors_5xx": "0"},
	} {
		row := csvRow(t, r.TimeseriesCSV(), i)
		for k, v := range want {
			if row[k] != v {
				t.Errorf("interval %d: %s = %q, want %s", i, k, row[k], v)
			}
		}
	}
	if e := r.Summary().Errors; e.Served4xx != 5 || e.Failovers != 3 || e.NegativeCacheHits != 2 {
		t.Errorf("summary errors %+v: want 5 4xx, 3 failovers, 2 negative-cache hits", e)
	}
}

// csvRow is row i (0-based, after the header) of a timeseries.csv, by column.
func csvRow(t *testing.T, csv []byte, i int) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")
	if i+1 >= len(lines) {
		t.Fatalf("no row %d in %d lines", i, len(lines))
	}
	header, row := strings.Split(lines[0], ","), strings.Split(lines[i+1], ",")
	if len(row) != len(header) {
		t.Fatalf("row %d has %d fields, the header %d", i, len(row), len(header))
	}
	m := map[string]string{}
	for j, h := range header {
		m[h] = row[j]
	}
	return m
}
