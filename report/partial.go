package report

import (
	"slices"

	"github.com/cdnsim/cdnsim/sim"
)

// Stop marks the run as interrupted after until of the measured period
// (0 < until): the outputs then cover [0, until) and say that they are
// partial — summary.json's partial and simulated_until_s, the plots'
// titles — and rates are over the simulated part. It is called once,
// after the last Outcome.
func (r *Recorder) Stop(until sim.Time) {
	if until <= 0 {
		return
	}
	r.partial = true
	if until < r.cfg.Duration {
		r.cfg.Duration = until
		r.nBins = ceilDiv(int64(until), int64(r.cfg.Interval))
		// Events after the stop did not happen in what was simulated.
		r.cfg.Markers = slices.DeleteFunc(r.cfg.Markers, func(m Marker) bool { return m.At >= until })
	}
}

// Partial reports whether Stop marked the run as interrupted.
func (r *Recorder) Partial() bool { return r.partial }
