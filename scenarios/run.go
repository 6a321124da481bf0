package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

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
	Trace *workload.TraceSource
	// Warmup is simulated first, unmeasured; Duration is the measured
	// period after it. The network's virtual time starts at the warm-up.
	Warmup, Duration sim.Time
	// tally counts a sample's whole stream for the summary's adjustment:
	// the Generator, or a trace's Filter.
	tally interface{ SampleTally() []workload.ClassTally }
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
//
// A warm-up runs the same traffic pattern for Scenario.Warmup before the
// measured period: the generator runs that much longer and starts that
// much earlier in the day, and the network's events move later by as
// much, so that every time in the scenario stays relative to the start of
// the measured period. With a trace, its first Warmup is the warm-up.
func (s *Scenario) NewRun(seed uint64, extra ...topology.Observer) (*Run, error) {
	var (
		src     workload.Source
		gen     *workload.Generator
		ts      *workload.TraceSource
		markers []report.Marker
		err     error
		tally   interface{ SampleTally() []workload.ClassTally }
	)
	warm := sim.Duration(s.Warmup)
	dur := sim.Duration(s.Workload.Duration)
	if s.Trace != "" {
		if ts, err = s.OpenTrace(seed); err != nil {
			return nil, err
		}
		src, dur = ts, ts.Duration()-warm
		if dur <= 0 {
			ts.Close()
			return nil, &Error{File: s.Source, Key: "warmup", Msg: fmt.Sprintf("%v is not shorter than the trace (%v)", s.Warmup, ts.Duration())}
		}
		if !s.Slice.All() {
			f := workload.NewFilter(src, seed, s.Slice)
			f.SetMeasured(warm)
			src, tally = f, f
		}
	} else {
		if gen, err = workload.New(warmedUp(s.Workload, s.Warmup), seed); err != nil {
			return nil, err
		}
		gen.SetClassRates(s.ClassRates)
		gen.SetHeadParts(s.HeadParts, s.HeadWeights)
		gen.SetSlice(s.Slice)
		gen.SetMeasured(warm)
		src, tally = gen, gen
		for _, sp := range gen.Spikes() {
			markers = append(markers, report.Marker{At: sp.At - warm, Label: sp.Name})
		}
	}
	// Mark what a CDN engineer looks for on the plots: invalidations and
	// outages, beside the spikes.
	for _, inv := range s.Topology.Invalidations {
		markers = append(markers, report.Marker{At: sim.Duration(inv.At), Label: "invalidate " + strings.Join(inv.Paths, " ")})
	}
	for _, o := range s.Topology.Origins {
		for _, w := range o.Outages {
			markers = append(markers, report.Marker{At: sim.Duration(w.Start), Label: o.Name + " down"})
		}
	}
	for _, p := range s.Topology.POPs {
		for _, w := range p.Outages {
			markers = append(markers, report.Marker{At: sim.Duration(w.Start), Label: p.Name + " down"})
		}
	}
	src = workload.WithVariants(src, workload.NewVariants(s.Workload, seed, s.Topology.Compresses()))
	// An event at or after the end does not happen (Parse warns of it):
	// its marker would only stretch the plots' time axis.
	markers = slices.DeleteFunc(markers, func(m report.Marker) bool { return m.At >= dur })
	cfg := later(s.Topology, s.Warmup)
	cfg.Seed = seed
	shard, shards := s.Slice.Shard()
	rec := report.NewRecorder(report.Config{
		Scenario: s.Name, Seed: seed, Warmup: warm, Duration: dur, Interval: sim.Duration(s.Interval),
		POPs: names(cfg.POPs, func(p topology.POP) string { return p.Name }), Regions: names(cfg.Regions, func(r topology.Region) string { return r.Name }),
		Classes: names(s.Workload.Classes, func(c workload.Class) string { return c.Name }),
		Markers: markers, Warnings: s.Warnings,
		SampleRate: s.Slice.Rate(), ClassRates: s.ClassRates, Unit: s.Unit, Shard: shard, Shards: shards,
	})
	var obs topology.Observer = rec
	for _, o := range extra {
		obs = report.Tee(obs, o)
	}
	// Range requests are drawn per request from the seed, whatever the
	// source, but for a trace that records its own.
	if ts == nil || !ts.CarriesRanges() {
		src = workload.NewRanges(src, s.Workload.Classes, seed)
	}
	net, err := topology.New(cfg, src, obs)
	if err != nil {
		if ts != nil {
			ts.Close()
		}
		return nil, err
	}
	return &Run{Scenario: s, Network: net, Recorder: rec, Workload: gen, Trace: ts, Warmup: warm, Duration: dur, tally: tally}, nil
}

// warmedUp is the generator configuration that produces w's traffic for
// warm before w's own period: as much longer, starting as much earlier
// in the day, with its spikes as much later.
func warmedUp(w workload.Config, warm time.Duration) workload.Config {
	if warm <= 0 {
		return w
	}
	w.Duration += warm
	w.StartUTCHour = math.Mod(w.StartUTCHour-warm.Hours(), 24)
	if w.StartUTCHour < 0 {
		w.StartUTCHour += 24
	}
	w.Spikes = slices.Clone(w.Spikes)
	for i := range w.Spikes {
		w.Spikes[i].At += warm
	}
	return w
}

// later is c with its invalidations and outages moved warm later, as the
// network's clock starts at the beginning of the warm-up. The slices it
// changes are copies: c is left as it was.
func later(c topology.Config, warm time.Duration) topology.Config {
	if warm <= 0 {
		return c
	}
	c.Invalidations = slices.Clone(c.Invalidations)
	for i := range c.Invalidations {
		c.Invalidations[i].At += warm
	}
	shift := func(ws []topology.Outage) []topology.Outage {
		ws = slices.Clone(ws)
		for i := range ws {
			ws[i].Start += warm
			ws[i].End += warm
		}
		return ws
	}
	c.Origins = slices.Clone(c.Origins)
	for i := range c.Origins {
		c.Origins[i].Outages = shift(c.Origins[i].Outages)
	}
	c.POPs = slices.Clone(c.POPs)
	for i := range c.POPs {
		c.POPs[i].Outages = shift(c.POPs[i].Outages)
	}
	return c
}

func names[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// Simulate runs the warm-up and the measured period (plus the time for
// in-flight fills to land), calling progress every virtual minute with the
// time since the start of the warm-up. The network's own counters start
// from zero at the end of the warm-up, as the recorder's do.
func (r *Run) Simulate(progress func(now sim.Time)) {
	r.SimulateUntil(nil, progress)
}

// SimulateUntil is Simulate that stops early once stop is closed (a nil
// stop never is), at the end of the virtual minute being simulated: every
// request that arrived by then has its outcome recorded, as outcomes are
// known at arrival. It returns how far into the measured period it got (0
// when stopped in the warm-up) and whether the run went to its end.
func (r *Run) SimulateUntil(stop <-chan struct{}, progress func(now sim.Time)) (sim.Time, bool) {
	now := r.Network.Engine().Now()
	// to runs up to t a virtual minute at a time, on whole minutes since
	// the start of the warm-up; false when stop closed first.
	to := func(t sim.Time) bool {
		for now < t {
			select {
			case <-stop:
				return false
			default:
			}
			now = min((now/sim.Minute+1)*sim.Minute, t)
			r.Network.Run(now, sim.Minute, progress)
		}
		return true
	}
	if r.Warmup > 0 {
		// Every arrival before the measured period, and only those.
		if !to(r.Warmup - 1) {
			r.Recorder.SetNetworkStats(topology.Stats{})
			return 0, false
		}
		r.Network.Stats = topology.Stats{}
	}
	done := to(r.Warmup + r.Duration + sim.Minute)
	r.Recorder.SetNetworkStats(r.Network.Stats)
	if !done {
		return min(max(now-r.Warmup, 0), r.Duration), false
	}
	if r.tally != nil {
		// A sample's summary adjusts for the popular objects it holds
		// more or less of than its share (report/adjust.go).
		r.Recorder.SetSampleTally(r.tally.SampleTally())
	}
	return r.Duration, true
}
