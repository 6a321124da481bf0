// Package sweep runs one scenario over a grid of settings, each point
// repeated with several seeds, so that every answer carries a confidence
// interval.
//
// A sweep file (TOML) names a base scenario, the seeds, fixed overrides
// and axes: keys that --set accepts, each with a list of values. Planning
// checks every point of the grid before anything runs and gives each run a
// stable ID, a hash of what decides its results (the resolved scenario,
// the overrides and the seed), so editing the sweep and planning again
// keeps the IDs, and the results, of the runs it did not change. Runs are
// grouped into tasks: a task is what one process runs, locally or as one
// element of a Slurm job array. A run writes its results into
// DIR/runs/<id>/ atomically and is skipped when they exist there, so any
// task may be killed, rerun or run twice. Merging reads the runs'
// summary.json into report.Summary and writes a row per run, a row per
// point (mean and Student-t confidence interval over the seeds) and a plot
// per headline metric.
//
// The files of a sweep directory:
//
//	plan.json             the plan: the base scenario's text, the axes, one entry per run
//	runs/<id>/            a finished run: summary.json, timeseries.csv, run.json
//	failed/<id>.txt       why a run failed (removed when it later succeeds)
//	tmp/                  runs in progress; what a killed run leaves here is garbage
//	sweep.csv, points.csv the merged results
//	plots/<metric>.png    each headline metric against the first axis
//	slurm/                array.sbatch, merge.sbatch and the jobs' logs
package sweep
