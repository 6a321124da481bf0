package scenarios

import (
	"errors"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

// fuzzMemory caps the memory a fuzzed scenario may ask for: larger ones
// must be refused by CheckMemory, which is what `run` does with the
// machine's memory.
const fuzzMemory = 256 << 20

// fuzzRequests bounds the requests a fuzzed run simulates, so that an
// execution takes milliseconds: the run is cut at the virtual time where
// the expected requests reach it.
const fuzzRequests = 2000

// FuzzLoad feeds scenario files and --set lines through everything `run`
// does before writing: Parse (with --set), the memory check, NewRun and a
// slice of the simulation, then the summary and the timeseries. No input
// may panic; a rejected one must be an *Error (file, line, key); an
// accepted one must build and run.
func FuzzLoad(f *testing.F) {
	for _, name := range Builtins() {
		src, _ := builtin.ReadFile(name + ".toml")
		f.Add(src, "")
		f.Add(src, "workload.duration=2h\npops.policy=s3fifo")
	}
	f.Add([]byte(tierBase), "")
	f.Add([]byte(tierBase), "pops.capacity=1\ninterval=1s")
	f.Add([]byte(presetBase), "regions.admission=tinylfu")
	f.Add([]byte(""), "")
	f.Fuzz(func(t *testing.T, src []byte, set string) {
		var sets []string
		if set != "" {
			sets = strings.Split(set, "\n")
		}
		s, err := Parse("fuzz.toml", src, sets)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, want *scenarios.Error", err, err)
			}
			return
		}
		// A trace is a file of the machine's: reading it is the trace
		// fuzzers' job (workload), not this one's.
		if s.Trace != "" {
			return
		}
		if err := s.CheckMemory(fuzzMemory, "the fuzz limit"); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("memory error %v is a %T, want *scenarios.Error", err, err)
			}
			return
		}
		r, err := s.NewRun(s.Seed)
		if err != nil {
			t.Fatalf("a scenario that validates does not build: %v", err)
		}
		until := r.Duration
		if want := s.Workload.ExpectedRequests(); want > fuzzRequests {
			until = sim.Time(float64(r.Duration) * fuzzRequests / want)
		}
		r.Network.Run(until, sim.Minute, nil)
		r.Recorder.SetNetworkStats(r.Network.Stats)
		if _, err := r.Recorder.Summary().JSON(); err != nil {
			t.Fatalf("summary: %v", err)
		}
		r.Recorder.TimeseriesCSV()
	})
}
