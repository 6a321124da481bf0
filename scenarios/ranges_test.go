package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/report"
)

// rangesBase is tinyScenario with 1 MiB parts and a class of 100 MiB
// objects asking for range requests.
var rangesBase = strings.Replace(tinyScenario, "size_median = 1000", "size_median = 104857600", 1) +
	"range_seek_share = 0.3\nrange_stop_share = 0.5\n[ranges]\nchunk_size = \"1MB\"\n"

func TestRangesBadInput(t *testing.T) {
	t.Parallel()
	s, err := Parse("r.toml", []byte(rangesBase), nil)
	if err != nil {
		t.Fatalf("base scenario: %v", err)
	}
	if s.Topology.ChunkSize != 1<<20 || s.Workload.Classes[0].RangeSeekShare != 0.3 {
		t.Fatalf("chunk size %d, seek share %v; want 1 MiB, 0.3", s.Topology.ChunkSize, s.Workload.Classes[0].RangeSeekShare)
	}
	checkEditErrors(t, "r.toml", rangesBase, []editCase{
		{"zero chunk size", `chunk_size = "1MB"`, `chunk_size = 0`, "r.toml:30: ranges.chunk_size: must be > 0"},
		{"negative chunk size", `chunk_size = "1MB"`, `chunk_size = -1`, "r.toml:30: ranges.chunk_size: size -1 is negative"},
		{"seek share above 1", `range_seek_share = 0.3`, `range_seek_share = 1.3`, "r.toml:27: workload.classes[0].range_seek_share: must be in [0, 1]"},
		{"stop share below 0", `range_stop_share = 0.5`, `range_stop_share = -0.5`, "r.toml:28: workload.classes[0].range_stop_share: must be in [0, 1]"},
		{"parallel without parts", `range_stop_share = 0.5`, "range_parallel_share = 0.5", "workload.classes[0].range_parts: must be set"},
	})
	if _, err := Load("news-spike", []string{"ranges.chunk_size=0"}); err == nil || !strings.Contains(err.Error(), "--set: ranges.chunk_size: must be > 0") {
		t.Errorf("--set ranges.chunk_size=0: %v", err)
	}
}

// TestRangesRun runs the scenario for an hour: range requests come out as
// 206s, objects of 100 MB are served in parts, and the recorder counts them.
func TestRangesRun(t *testing.T) {
	t.Parallel()
	s, err := Parse("r.toml", []byte(rangesBase), nil)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.NewRun(1)
	if err != nil {
		t.Fatal(err)
	}
	run.Simulate(nil)
	sum := run.Recorder.Summary()
	rg := sum.Ranges
	if rg == nil {
		t.Fatal("no ranges in the summary")
	}
	// ~7200 requests; 1 - 0.7 × 0.5 = 65% of them ask for a range.
	if share := float64(rg.Requests) / float64(sum.Requests); share < 0.6 || share > 0.7 {
		t.Errorf("%d range requests of %d (%.3f), want ~0.65", rg.Requests, sum.Requests, share)
	}
	if rg.PartRequests != sum.Requests || rg.Parts < 10*rg.PartRequests || rg.PartHits == 0 || rg.PartialHits == 0 {
		t.Errorf("ranges %+v of %d requests: want every request in parts, ~100 MB / 1 MiB parts each, some hits and partial hits", *rg, sum.Requests)
	}
	// Bytes delivered are the ranges': fewer than whole objects would be.
	if sum.Bytes >= sum.Requests*100<<20 {
		t.Errorf("%d bytes for %d requests of ~100 MB objects: ranges not cut", sum.Bytes, sum.Requests)
	}
}

// TestRangesFromATrace replays a CSV trace of range requests through the
// ranges model, worked by hand. One 3500-byte object in 1000-byte parts
// (0: bytes 0-999, 1: 1000-1999, 2: 2000-2999, 3: 3000-3499), fresh for
// the hour, requested 10 s apart (every fill has landed):
//
//	bytes 500-1499   parts 0, 1   both miss: 2 origin parts        206, 1000 B
//	bytes 1000-2499  parts 1, 2   1 hits, 2 misses: a partial hit   206, 1500 B
//	whole object     parts 0-3    0-2 hit, 3 misses: partial        200, 3500 B
//	bytes 3000-3499  part 3       hits: an edge Hit                 206,  500 B
//
// The class draws a seek for every request (range_seek_share = 1): the
// trace's own ranges stand, and its whole-object request stays whole.
func TestRangesFromATrace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	trace := "time,obj_id,size,metro,method,path,range_start,range_end\n" +
		"100,7,3500,Washington,GET,/v/7,500,1499\n" +
		"110,7,3500,Washington,GET,/v/7,1000,2499\n" +
		"120,7,3500,Washington,GET,/v/7,,\n" +
		"130,7,3500,Washington,GET,/v/7,3000,3499\n"
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(trace), 0o644); err != nil {
		t.Fatal(err)
	}
	scen := filepath.Join(dir, "s.toml")
	if err := os.WriteFile(scen, []byte(`name = "trace-ranges"
`+traceIAD+`[ranges]
chunk_size = 1000
[[workload.classes]]
name = "v"
prefix = "/v/"
cache_control = "public, max-age=3600"
range_seek_share = 1
`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(scen, nil)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	al, err := report.NewAccessLog(&log, s.AccessLogConfig(s.Seed))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.NewRun(s.Seed, al)
	if err != nil {
		t.Fatal(err)
	}
	r.Simulate(nil)
	if err := al.Flush(); err != nil {
		t.Fatal(err)
	}
	sum := r.Recorder.Summary()
	want := report.RangeSummary{Requests: 3, Bytes: 3000, PartRequests: 4, Parts: 9, PartHits: 5, PartHitRatio: report.NewRatio(5, 9),
		PartialHits: 2, OriginParts: 4, OriginFetches: 4}
	if sum.Ranges == nil || *sum.Ranges != want {
		t.Errorf("ranges %+v\nwant   %+v", sum.Ranges, want)
	}
	if e, o := sum.Tiers.Edge, sum.Tiers.Origin; sum.Requests != 4 || sum.Bytes != 6500 || e.Hits != 1 || e.Misses != 3 || o.Requests != 3 {
		t.Errorf("%d requests, %d bytes, edge %d hits %d misses, origin %d requests; want 4, 6500, 1, 3, 3",
			sum.Requests, sum.Bytes, e.Hits, e.Misses, o.Requests)
	}
	// The access log: sc-status, sc-content-len, sc-range-start, sc-range-end.
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		if f := strings.Split(line, "\t"); !strings.HasPrefix(line, "#") {
			got = append(got, strings.Join([]string{f[8], f[30], f[31], f[32]}, " "))
		}
	}
	if w := "206 1000 500 1499|206 1500 1000 2499|200 3500 - -|206 500 3000 3499"; strings.Join(got, "|") != w {
		t.Errorf("access log status len start end:\n%s\nwant\n%s", strings.Join(got, "|"), w)
	}
	checkConservation(t, r)
}
