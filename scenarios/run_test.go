package scenarios

import (
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

// TestStoppedRunRecordsEverythingBeforeTheStop stops a run after 30
// virtual minutes: its first six 5-minute rows are those of the full run,
// to the byte, and it records nothing after.
func TestStoppedRunRecordsEverythingBeforeTheStop(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", []string{"workload.duration=1h", "warmup=0s"})
	if err != nil {
		t.Fatal(err)
	}
	full, err := s.NewRun(1)
	if err != nil {
		t.Fatal(err)
	}
	if until, done := full.SimulateUntil(nil, nil); !done || until != sim.Hour {
		t.Fatalf("full run: until %v, complete %v", until, done)
	}
	part, err := s.NewRun(1)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	until, done := part.SimulateUntil(stop, func(now sim.Time) {
		if now == 30*sim.Minute {
			close(stop)
		}
	})
	if done || until != 30*sim.Minute {
		t.Fatalf("stopped run: until %v, complete %v; want 30m, false", until, done)
	}
	fullRows := strings.Split(string(full.Recorder.TimeseriesCSV()), "\n")
	partRows := strings.Split(string(part.Recorder.TimeseriesCSV()), "\n")
	for i := 1; i <= 6; i++ {
		if fullRows[i] != partRows[i] {
			t.Errorf("row %d:\n stopped %s\n full    %s", i, partRows[i], fullRows[i])
		}
	}
	for i := 7; i < len(partRows)-1; i++ {
		if f := strings.Split(partRows[i], ","); f[2] != "0" {
			t.Errorf("row %d after the stop has %s requests", i, f[2])
		}
	}
	if a, b := part.Recorder.Summary().Requests, full.Recorder.Summary().Requests; !(a > 0 && a < b) {
		t.Errorf("stopped run %d requests, full run %d", a, b)
	}
}

// TestStopInTheWarmup: progress counts from the start of the warm-up, and
// how far a run got is counted in the measured period, which a stop in
// the warm-up never reached; a stop after it counts from its end.
func TestStopInTheWarmup(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", []string{"workload.duration=30m", "warmup=20m"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ stopAt, want sim.Time }{{10 * sim.Minute, 0}, {30 * sim.Minute, 10 * sim.Minute}} {
		r, err := s.NewRun(1)
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		until, done := r.SimulateUntil(stop, func(now sim.Time) {
			if now == c.stopAt {
				close(stop)
			}
		})
		if done || until != c.want {
			t.Errorf("stopped at %v from the warm-up's start: until %v, complete %v; want %v, false", c.stopAt, until, done, c.want)
		}
		if n := r.Recorder.Summary().Requests; (n == 0) != (c.want == 0) {
			t.Errorf("stopped at %v: %d requests measured", c.stopAt, n)
		}
	}
}
