// Package scenarios reads scenario files (TOML), validates them strictly
// with errors that name the file, line and key, holds the built-in
// scenarios, and wires a runnable simulation from one.
//
// A scenario goes from text to a run in these steps:
//
//   - Load (parse.go) reads a path, or a built-in by name (the *.toml files
//     here, embedded in the binary), and hands it to Parse.
//   - Parse decodes it into File (schema.go) strictly: an unknown key is an
//     error, and keyLines (locate.go) finds the line of every key, since
//     the TOML decoder reports lines only for syntax and type errors.
//     Durations and sizes are read by one grammar (units.go) in the file
//     and in --set alike; a key whose 0 would silently become its default
//     may not be written as 0 (validate.go).
//   - --set overrides (set.go) are applied to the decoded document, which is
//     re-encoded and decoded again; an error in an overridden key names
//     --set, not a line of the file.
//   - Presets (preset.go) fill in sites and metros, then [logging]
//     (logging.go) and the workload, generated or read from a trace
//     (trace.go), are checked.
//   - buildTopology (build.go) turns File into a topology.Config and
//     buildViewers (viewers.go) resolves [viewers] into each metro's
//     access networks; POPs with region = "nearest" are attached, the
//     Config's own validation errors are mapped back to the key and line
//     where the value was written (writtenKey: a site's inherited policy is
//     its tier's), and its checks and events after the end of the run
//     become the Scenario's Warnings. The result is a Scenario.
//   - Scenario.NewRun (run.go) wires the workload, the report.Recorder and
//     the topology.Network for one seed, a warm-up first when the scenario
//     has one (the generator runs longer and starts earlier in the day, the
//     network's events move later); Run.Simulate runs both and restarts
//     the network's counters at the end of the warm-up.
//
// Bad input is reported as an *Error naming the file, and the line and key
// where they are known.
package scenarios
