package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/workload"
)

func TestWarmedUpConfig(t *testing.T) {
	t.Parallel()
	w := workload.Config{Duration: time.Hour, StartUTCHour: 1.5,
		Spikes: []workload.Spike{{Name: "a", At: 30 * time.Minute}}}
	got := warmedUp(w, 3*time.Hour)
	if got.Duration != 4*time.Hour || got.StartUTCHour != 22.5 || got.Spikes[0].At != 3*time.Hour+30*time.Minute {
		t.Errorf("warmed up 3 h: duration %v, start hour %v, spike at %v; want 4h, 22.5, 3h30m", got.Duration, got.StartUTCHour, got.Spikes[0].At)
	}
	if w.Spikes[0].At != 30*time.Minute {
		t.Errorf("warmedUp changed its argument's spikes")
	}
	if got := warmedUp(w, 0); got.Duration != w.Duration || got.StartUTCHour != w.StartUTCHour {
		t.Errorf("no warm-up changed the configuration: %+v", got)
	}
}

// TestWarmup runs half an hour of news-spike with its spike and its
// invalidation in it, after a 2-hour warm-up. The warm-up simulates the
// same traffic as a cold run 2.5 hours long starting 2 hours earlier in
// the day with the same events 2 hours later, so the simulations are the
// same; the warm run measures only its last half hour, interval for
// interval as the long run saw it. A cold half hour starts with empty
// caches instead.
func TestWarmup(t *testing.T) {
	t.Parallel()
	warm := simulate(t, "news-spike", "warmup=2h", "workload.duration=30m", "workload.spikes[0].at=10m", "invalidations[0].at=20m")
	long := simulate(t, "news-spike", "warmup=0s", "workload.start_utc_hour=22", "workload.duration=150m", "workload.spikes[0].at=130m", "invalidations[0].at=140m")
	cold := simulate(t, "news-spike", "warmup=0s", "workload.duration=30m", "workload.spikes[0].at=10m", "invalidations[0].at=20m")
	ws, ls := warm.Recorder.Summary(), long.Recorder.Summary()
	if ws.WarmupS != 7200 || ws.DurationS != 1800 || len(ws.Markers) != 2 || ws.Markers[0].AtS != 600 || ws.Markers[1].AtS != 1200 {
		t.Fatalf("warm-up %v s, duration %v s, markers %+v; want 7200, 1800, the spike at 600 s and the invalidation at 1200 s",
			ws.WarmupS, ws.DurationS, ws.Markers)
	}
	if ws.Requests+warm.Recorder.WarmupRequests() != ls.Requests || ws.Invalidations != ls.Invalidations {
		t.Errorf("%d measured + %d warm-up requests, the long run %d; invalidations %+v, %+v",
			ws.Requests, warm.Recorder.WarmupRequests(), ls.Requests, ws.Invalidations, ls.Invalidations)
	}
	wr := strings.Split(strings.TrimSpace(string(warm.Recorder.TimeseriesCSV())), "\n")
	lr := strings.Split(strings.TrimSpace(string(long.Recorder.TimeseriesCSV())), "\n")
	if len(wr) != 1+6 || len(lr) != 1+30 {
		t.Fatalf("%d and %d rows, want 6 and 30", len(wr)-1, len(lr)-1)
	}
	after := func(row string) string { // the row without interval_start_s and hour
		_, rest, _ := strings.Cut(row, ",")
		_, rest, _ = strings.Cut(rest, ",")
		return rest
	}
	for i := range 6 {
		if after(wr[1+i]) != after(lr[25+i]) {
			t.Errorf("interval %d after the warm-up:\n%s\nthe long run's:\n%s", i, wr[1+i], lr[25+i])
		}
	}
	// The cold half hour starts with empty caches.
	ch := column(t, cold.Recorder.TimeseriesCSV(), "edge_hit_ratio")
	wh := column(t, warm.Recorder.TimeseriesCSV(), "edge_hit_ratio")
	if wh[0] < ch[0]+0.15 {
		t.Errorf("first interval's edge hit ratio %.3f after the warm-up, %.3f cold", wh[0], ch[0])
	}
	// The network's counters are the measured half hour's, as the recorder's.
	checkConservation(t, warm)
}

// traceIAD is the body of a scenario that reads the CSV trace t.csv beside
// it: one POP (IAD), its regional cache, one origin, viewers in Washington.
const traceIAD = `[pops]
capacity = "1MB"
sites = [{ name = "IAD", lat = 39.04, lon = -77.49, region = "r" }]
[regions]
capacity = "10MB"
sites = [{ name = "r", lat = 39, lon = -77 }]
[[origins]]
name = "o"
kind = "custom"
lat = 39
lon = -77
[[behaviors]]
path = "*"
origin = "o"
[workload]
trace = "t.csv"
metros = [{ name = "Washington", lat = 38.91, lon = -77.04, weight = 1 }]
`

// TestWarmupWithATrace: with a trace, the warm-up is its first part; the
// outputs cover the rest. A warm-up as long as the trace is an error.
func TestWarmupWithATrace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("time,obj_id,size,metro,method,path\n")
	for i := range 100 { // one request a second for 100 s
		fmt.Fprintf(&csv, "%d,%d,100,Washington,GET,/x\n", 1700000000+i, i%7)
	}
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	scen := filepath.Join(dir, "s.toml")
	if err := os.WriteFile(scen, []byte("name = \"trace-warmup\"\nwarmup = \"40s\"\ninterval = \"10s\"\n"+traceIAD), 0o644); err != nil {
		t.Fatal(err)
	}
	r := simulate(t, scen)
	s := r.Recorder.Summary()
	if s.Requests != 60 || r.Recorder.WarmupRequests() != 40 || s.WarmupS != 40 || s.DurationS != 60 {
		t.Errorf("%d requests measured, %d in the warm-up, warm-up %v s, duration %v s; want 60, 40, 40, 60",
			s.Requests, r.Recorder.WarmupRequests(), s.WarmupS, s.DurationS)
	}
	// Seven objects seen in the warm-up: the measured minute is all hits.
	if e := s.Tiers.Edge; e.Hits != 60 {
		t.Errorf("edge after the warm-up: %+v, want 60 hits", e)
	}
	sc, err := Load(scen, []string{"warmup=100s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.NewRun(sc.Seed); err == nil || !strings.Contains(err.Error(), "warmup: 1m40s is not shorter than the trace") {
		t.Errorf("a warm-up as long as the trace: %v", err)
	}
}
