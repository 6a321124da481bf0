// Package report records what a simulation did and writes it out.
//
// A Recorder is a topology.Observer: it folds every Outcome into
// fixed-size, time-binned counters and log-spaced latency histograms, so
// its memory depends on the simulated duration, not on the number of
// requests, and Observe allocates nothing. After the run, Summary gives
// the totals (hit ratios per tier, origin load, TTFB percentiles, per-POP
// figures) and WriteFiles writes summary.json, timeseries.csv and three
// PNG plots.
//
// Outputs are deterministic: identical Outcome streams and Configs give
// byte-identical summary.json and timeseries.csv.
package report
