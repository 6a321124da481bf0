package scenarios

import (
	"strings"
	"testing"
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
