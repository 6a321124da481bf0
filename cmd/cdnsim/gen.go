package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

const genSynopsis = "cdnsim gen SCENARIO [--format csv|oracle] -o FILE [--seed N] [--set key=value]..."

func init() {
	register(command{name: "gen", summary: "write a scenario's request stream as a trace (csv or oracleGeneral)", run: genCmd})
}

func genCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("gen", genSynopsis+"\n\n"+
		"Writes the request stream `cdnsim run SCENARIO` would simulate (same seed, same\n"+
		"requests) as a trace for `cdnsim replay` or other tools; a FILE ending in .zst\n"+
		"or .gz is compressed. A scenario that reads a trace converts it.\n\n"+
		"  csv     time,obj_id,size,metro,method,path,range_start,range_end: time in\n"+
		"          whole seconds (the stream's order is kept within a second), metro\n"+
		"          by name, a range request's first and last byte (empty for a whole\n"+
		"          object; the ranges the run would draw). Streams: memory does not\n"+
		"          grow with the trace.\n"+
		"  oracle  libCacheSim's oracleGeneral: 24-byte records {uint32 time (s),\n"+
		"          uint64 obj_id, uint32 size, int64 next_access_vtime}, the last\n"+
		"          being the 1-based index of the object's next request, -1 if none.\n"+
		"          It has no ranges: one record per request, for the whole object.\n"+
		"          Filling it in holds the whole stream in memory: 32-64 bytes a\n"+
		"          request plus a map entry per object (~0.5 GB for 10 M requests).", stderr)
	format := fs.String("format", "", "csv or oracle (default: from FILE's name)")
	out := fs.String("o", "", "the trace file to write (required)")
	var seed seedFlag
	fs.Var(&seed, "seed", "random seed, 0 to 2^64-1 (default: the scenario's seed)")
	var sets multiFlag
	fs.Var(&sets, "set", "override one scenario value, e.g. --set workload.duration=1h (repeatable)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitForParse(err)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "cdnsim gen: "+format+"\n", a...)
		return exitUsage
	}
	if len(pos) != 1 {
		return fail("want exactly one SCENARIO\nUsage: %s", genSynopsis)
	}
	if *out == "" {
		return fail("-o FILE is required\nUsage: %s", genSynopsis)
	}
	tf, err := traceFormat(*format, *out)
	if err != nil {
		return fail("%v", err)
	}
	if tf == workload.TraceCloudFront {
		return fail("%s: gen writes csv or oracle traces, not %v", *out, tf)
	}
	s, code := loadScenario(pos[0], sets, stderr)
	if s == nil {
		return code
	}
	runSeed := s.Seed
	if flagSet(fs, "seed") {
		runSeed = uint64(seed)
	}
	src, err := genSource(s, runSeed)
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim gen:", err)
		return exitUsage
	}
	if tf == workload.TraceCSV && (src.trace == nil || !src.trace.CarriesRanges()) {
		// The range requests the run draws (scenarios.Scenario.NewRun):
		// a CSV holds them, and a run of it replays them.
		src.Source = workload.NewRanges(src.Source, s.Workload.Classes, runSeed)
	}
	n, err := writeTraceFile(*out, func(w io.Writer) (int64, error) { return writeGen(w, tf, s, src) })
	if err != nil {
		fmt.Fprintln(stderr, "cdnsim gen:", err)
		return exitFailure
	}
	if err := src.err(); err != nil {
		fmt.Fprintln(stderr, "cdnsim gen:", err)
		return exitFailure
	}
	fmt.Fprintf(stderr, "wrote %d requests to %s (%s)\n", n, *out, tf)
	return exitOK
}

// genStream is a scenario's request stream and the URL path of the request
// it returned last.
type genStream struct {
	workload.Source
	prefixes []string
	trace    *workload.TraceSource // nil for a generator
	buf      []byte
}

func genSource(s *scenarios.Scenario, seed uint64) (*genStream, error) {
	g := &genStream{}
	for _, cl := range s.Workload.Classes {
		g.prefixes = append(g.prefixes, cl.Prefix)
	}
	if s.Trace != "" {
		ts, err := s.OpenTrace(seed)
		if err != nil {
			return nil, err
		}
		g.Source, g.trace = ts, ts
		return g, nil
	}
	gen, err := workload.New(s.Workload, seed)
	if err != nil {
		return nil, err
	}
	g.Source = gen
	return g, nil
}

// path is r's URL path: the trace's own if it has one, else the class
// prefix and the object ID (workload.Generator.Path, without allocating).
func (g *genStream) path(r *workload.Request) []byte {
	if g.trace != nil {
		if p := g.trace.Path(); p != nil {
			return p
		}
	}
	g.buf = g.buf[:0]
	if int(r.Class) < len(g.prefixes) {
		g.buf = append(g.buf, g.prefixes[r.Class]...)
	}
	g.buf = strconv.AppendUint(g.buf, r.Object, 10)
	return g.buf
}

func (g *genStream) err() error {
	if g.trace != nil {
		return g.trace.Err()
	}
	return nil
}

// writeGen writes the stream to w in format tf and returns the request count.
func writeGen(w io.Writer, tf workload.TraceFormat, s *scenarios.Scenario, g *genStream) (int64, error) {
	var r workload.Request
	var n int64
	if tf == workload.TraceCSV {
		metros := make([]string, len(s.Workload.Metros))
		for i, m := range s.Workload.Metros {
			metros[i] = m.Name
		}
		cw := workload.NewRequestCSVWriter(w, metros)
		for g.Next(&r) {
			if err := cw.Write(r, g.path(&r)); err != nil {
				return n, err
			}
			n++
		}
		return n, cw.Flush()
	}
	var recs []workload.TraceRecord
	for g.Next(&r) {
		recs = append(recs, workload.TraceRecord{Time: int64(r.Time / sim.Second), ID: r.Object, Size: r.Size})
	}
	workload.ComputeNext(recs)
	tw := workload.NewTraceWriter(w, tf)
	for _, rec := range recs {
		if err := tw.Write(rec); err != nil {
			return n, err
		}
		n++
	}
	return n, tw.Flush()
}

// writeTraceFile writes path through write into a report.AtomicFile, so a
// failed or interrupted run never leaves a partial trace behind. A path
// ending in .zst or .gz is compressed (workload.CompressTo).
func writeTraceFile(path string, write func(io.Writer) (int64, error)) (int64, error) {
	f, err := report.CreateAtomic(path)
	if err != nil {
		return 0, err
	}
	defer f.Abort()
	w, err := workload.CompressTo(f, path)
	if err != nil {
		return 0, err
	}
	n, err := write(w)
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}
