package scenarios

import (
	"slices"
	"strings"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// Run is one simulation of a scenario.
type Run struct {
	Scenario *Scenario
	Network  *topology.Network
	Recorder *report.Recorder
	Workload *workload.Generator // nil when the scenario reads a trace
	// Trace is the scenario's trace source, nil for a generated workload.
	// Check Err after Simulate.
	Trace    *workload.TraceSource
	Duration sim.Time
}

// Err is the error that cut the trace short, if any. OpenTrace checks the
// whole file before the run, so this is an I/O error or a file changed
// during the run.
func (r *Run) Err() error {
	if r.Trace != nil {
		return r.Trace.Err()
	}
	return nil
}

// NewRun wires the scenario's generator, network and recorder with seed;
// extra observers (an access log) see every Outcome after the recorder.
func (s *Scenario) NewRun(seed uint64, extra ...topology.Observer) (*Run, error) {
	var (
		src     workload.Source
		gen     *workload.Generator
		ts      *workload.TraceSource
		markers []report.Marker
		err     error
	)
	dur := sim.Duration(s.Workload.Duration)
	if s.Trace != "" {
		if ts, err = s.OpenTrace(seed); err != nil {
			return nil, err
		}
		src, dur = ts, ts.Duration()
	} else {
		if gen, err = workload.New(s.Workload, seed); err != nil {
			return nil, err
		}
		src = gen
		for _, sp := range gen.Spikes() {
			markers = append(markers, report.Marker{At: sp.At, Label: sp.Name})
		}
	}
	cfg := s.Topology
	cfg.Seed = seed
	// Mark what a CDN engineer looks for on the plots: invalidations and
	// outages, beside the spikes.
	for _, inv := range cfg.Invalidations {
		markers = append(markers, report.Marker{At: sim.Duration(inv.At), Label: "invalidate " + strings.Join(inv.Paths, " ")})
	}
	for _, o := range cfg.Origins {
		for _, w := range o.Outages {
			markers = append(markers, report.Marker{At: sim.Duration(w.Start), Label: o.Name + " down"})
		}
	}
	for _, p := range cfg.POPs {
		for _, w := range p.Outages {
			markers = append(markers, report.Marker{At: sim.Duration(w.Start), Label: p.Name + " down"})
		}
	}
	// An event at or after the end does not happen (Parse warns of it):
	// its marker would only stretch the plots' time axis.
	markers = slices.DeleteFunc(markers, func(m report.Marker) bool { return m.At >= dur })
	rec := report.NewRecorder(report.Config{
		Scenario: s.Name, Seed: seed, Duration: dur, Interval: sim.Duration(s.Interval),
		POPs: names(cfg.POPs, func(p topology.POP) string { return p.Name }), Regions: names(cfg.Regions, func(r topology.Region) string { return r.Name }),
		Markers: markers,
	})
	var obs topology.Observer = rec
	for _, o := range extra {
		obs = report.Tee(obs, o)
	}
	net, err := topology.New(cfg, src, obs)
	if err != nil {
		if ts != nil {
			ts.Close()
		}
		return nil, err
	}
	return &Run{Scenario: s, Network: net, Recorder: rec, Workload: gen, Trace: ts, Duration: dur}, nil
}

func names[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// Simulate runs to the end of the scenario (plus the time for in-flight
// fills to land), calling progress every virtual minute.
func (r *Run) Simulate(progress func(now sim.Time)) {
	r.SimulateUntil(nil, progress)
}

// SimulateUntil is Simulate that stops early once stop is closed (a nil
// stop never is), at the end of the virtual minute being simulated: every
// request that arrived by then has its outcome recorded, as outcomes are
// known at arrival. It returns the virtual time simulated to, and whether
// the run went to its end.
func (r *Run) SimulateUntil(stop <-chan struct{}, progress func(now sim.Time)) (sim.Time, bool) {
	end := r.Duration + sim.Minute
	now := r.Network.Engine().Now()
	for now < end {
		select {
		case <-stop:
			r.Recorder.SetNetworkStats(r.Network.Stats)
			return now, false
		default:
		}
		now = min(now+sim.Minute, end)
		r.Network.Run(now, sim.Minute, progress)
	}
	r.Recorder.SetNetworkStats(r.Network.Stats)
	return r.Duration, true
}
