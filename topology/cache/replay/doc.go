// Package replay runs recorded request traces through eviction policies,
// outside the network simulator: the engine behind `cdnsim replay`, for
// any Go program.
//
// A Trace is loaded once (Load reads any workload.TraceFormat, .zst and
// .gz included) and then read-only, so many Runs — one policy at one
// capacity each — replay it at once on separate goroutines (Trace.Replay).
// Load decodes a trace into memory, except an uncompressed oracleGeneral
// file: that it maps, and each run decodes it in place as it goes, so the
// trace costs no memory beyond the page cache's copy of the file.
// Every request goes through a cache.Cache: Get, and on a miss Put at
// once, as libCacheSim's cachesim does, so miss counts can be compared
// with it row for row.
//
// Capacities are bytes, or objects when sizes are ignored, or a fraction
// of the trace's working set (ParseCapacity: "64MB", "1000", "0.01",
// "5%"), resolved against the decoded trace and truncated like cachesim.
package replay
