package scenarios

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// workloadTOML is the [workload] table: workloadSection plus the keys that
// replace the generator by a recorded trace.
//
// With trace set, the requests come from the file and the generator's keys
// are not used: spikes, diurnal and the classes' size and popularity keys
// are ignored, so a scenario can switch between its synthetic workload and
// a recording with one --set. What a trace scenario still uses:
//
//   - metros (or metros_preset), required: a trace's metro column names
//     them, CloudFront edge locations map to the metro nearest their POP,
//     and requests with no location are spread over them by weight.
//   - classes, optional: name, prefix and cache_control. A request's class
//     is the one whose prefix is the longest match of its path; no path or
//     no match is class 0. No classes: one class "default" with prefix "/"
//     and no Cache-Control (the behaviour's default TTL applies). The
//     range_* keys draw range requests as for a generator, unless the
//     trace records its own (range columns: workload.TraceSource).
//   - duration, optional: the trace's span when 0; a shorter one cuts it.
type workloadTOML struct {
	workloadSection
	// Trace is the trace file, relative to the scenario file's directory
	// (to the working directory when given by --set or in a built-in).
	Trace string `toml:"trace"`
	// TraceFormat is "csv", "oracle" or "cloudfront"; default from the
	// file name (workload.TraceFormatFromName).
	TraceFormat string `toml:"trace_format"`
}

// defaultTraceClass is the one class of a trace scenario that lists none.
var defaultTraceClass = workload.Class{Name: "default", Prefix: "/"}

// applyTrace resolves and checks the trace keys of f and the keys a trace
// scenario still uses, and records the trace in s.
func (s *Scenario) applyTrace(f *File, setKeys map[string]bool, fail func(key, msg string) error) error {
	w := &f.Workload
	if w.Trace == "" {
		return fail("workload.trace_format", "is only used with workload.trace")
	}
	path := w.Trace
	if !filepath.IsAbs(path) && !setKeys["workload.trace"] && !strings.HasPrefix(s.Source, "builtin:") {
		path = filepath.Join(filepath.Dir(s.Source), path)
	}
	var err error
	if w.TraceFormat != "" {
		if s.TraceFormat, err = workload.ParseTraceFormat(w.TraceFormat); err != nil {
			return fail("workload.trace_format", err.Error())
		}
	} else if s.TraceFormat, err = workload.TraceFormatFromName(path); err != nil {
		return fail("workload.trace_format", err.Error()+"; set workload.trace_format")
	}
	s.Trace = path

	if w.Duration < 0 {
		return fail("workload.duration", "must be >= 0 (0 = the trace's span)")
	}
	// The generator's own checks, for the keys a trace scenario uses.
	probe := w.Config
	probe.Classes = []workload.Class{{Name: "probe", SizeMedian: 1, Popularity: workload.PopZipf, Objects: 1, Alpha: 1, Rate: 1}}
	probe.Spikes, probe.RandomSpikes = nil, nil
	if probe.Duration == 0 {
		probe.Duration = time.Hour
	}
	if err := probe.Validate(); err != nil {
		return workloadError(err, fail)
	}
	if len(w.Classes) == 0 {
		w.Classes = []workload.Class{defaultTraceClass}
	}
	if len(w.Classes) > 256 {
		return fail("workload.classes", "at most 256 classes")
	}
	seen := map[string]bool{}
	for i, cl := range w.Classes {
		key := fmt.Sprintf("workload.classes[%d].name", i)
		if cl.Name == "" {
			return fail(key, "must not be empty")
		}
		if seen[cl.Name] {
			return fail(key, fmt.Sprintf("duplicate class name %q", cl.Name))
		}
		seen[cl.Name] = true
	}
	s.File, s.Workload = *f, w.Config
	return nil
}

// workloadError turns a workload validation error into a scenario error
// naming the key.
func workloadError(err error, fail func(key, msg string) error) error {
	for _, e := range unjoin(err) {
		if fe, ok := e.(*workload.FieldError); ok {
			return fail("workload."+fe.Key, fe.Msg)
		}
	}
	return fail("workload", err.Error())
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// OpenTrace opens the scenario's trace as a request source seeded with
// seed (which spreads location-less requests over the metros).
func (s *Scenario) OpenTrace(seed uint64) (*workload.TraceSource, error) {
	prefixes := make([]string, len(s.Workload.Classes))
	for i, cl := range s.Workload.Classes {
		prefixes[i] = cl.Prefix
	}
	return workload.OpenTraceSource(workload.TraceSourceConfig{
		Path: s.Trace, Format: s.TraceFormat, Metros: s.Workload.Metros, Prefixes: prefixes,
		Locations: edgeLocations(s.Topology.POPs, s.Workload.Metros),
		Duration:  sim.Duration(s.Workload.Duration), Seed: seed,
	})
}

// edgeLocations maps each POP's name, upper case, to the metro nearest to
// it: a CloudFront log's x-edge-location "IAD89-C1" names the POP IAD, and
// the viewers it served stand for that metro. (DNS then sends the metro to
// its own best POP, usually the same one.)
func edgeLocations(pops []topology.POP, metros []workload.Metro) map[string]uint16 {
	locs := make(map[string]uint16, len(pops))
	for _, p := range pops {
		best, bestKm := 0, -1.0
		for i, m := range metros {
			if km := topology.GreatCircleKm(p.Lat, p.Lon, m.Lat, m.Lon); bestKm < 0 || km < bestKm {
				best, bestKm = i, km
			}
		}
		locs[strings.ToUpper(p.Name)] = uint16(best)
	}
	return locs
}
