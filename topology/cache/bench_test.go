package cache

import (
	"sync"
	"testing"
)

// Benchmark workloads: 2,000,000 requests over 200,000 objects, generated
// once per process. Caches hold 1% of the working set (objects, or bytes).
const (
	benchObjects  = 200_000
	benchRequests = 2_000_000
	benchAlpha    = 0.8
	// benchTurnover sets the decay workload's mean request age to 1/50 of
	// the trace span: each object's popularity falls by e every 2% of the
	// trace, so the hot set turns over ~50 times.
	benchTurnover = 50
	// benchWarm is how many requests warm a policy before timing when its
	// cold-pass miss ratio is already known: 10 times the cache size in
	// objects fills it and cycles it several times.
	benchWarm = benchRequests / 4
)

type benchWorkload struct {
	name     string
	trace    []Request // Next is cyclic: the trace repeats forever
	capacity int64
	objects  int // ObjectsHint
}

var (
	benchOnce      sync.Once
	benchWorkloads []benchWorkload
	// benchMiss memoises each (policy, workload)'s cold-pass miss ratio,
	// so later b.N rounds warm up with benchWarm requests only.
	benchMiss = map[string]float64{}
)

func loadBenchWorkloads() []benchWorkload {
	benchOnce.Do(func() {
		// The same requests in objects and with lognormal sizes (traceSize).
		for _, w := range []struct {
			name  string
			trace []Request
		}{
			{"zipf", zipfTrace(benchObjects, benchRequests, benchAlpha, true, 1)},
			{"decay", decayTrace(benchObjects, benchRequests, benchAlpha, benchTurnover, 2)},
		} {
			fillNext(w.trace, true)
			unit := make([]Request, len(w.trace))
			seen := make(map[ObjectID]bool, benchObjects)
			var total int64
			for i, r := range w.trace {
				if !seen[r.ID] {
					seen[r.ID] = true
					total += r.Size
				}
				r.Size = 1
				unit[i] = r
			}
			benchWorkloads = append(benchWorkloads,
				benchWorkload{w.name + "/size=unit", unit, benchObjects / 100, benchObjects / 100},
				benchWorkload{w.name + "/size=lognormal", w.trace, total / 100, benchObjects / 100})
		}
	})
	return benchWorkloads
}

// BenchmarkReplay replays each workload on every registered policy; one
// b.N iteration is one request (Lookup, Admit on a miss). It reports
// req/s, the miss ratio of one cold pass over the trace, and B/object (the
// policy's memory per cached object) for policies with memBytes, and
// req/cpu-s (requests per second of process CPU time, which a loaded
// machine distorts less than wall time).
func BenchmarkReplay(b *testing.B) {
	for _, name := range PolicyNames() {
		for _, w := range loadBenchWorkloads() {
			b.Run("policy="+name+"/workload="+w.name, func(b *testing.B) { benchReplay(b, name, w) })
		}
	}
}

func benchReplay(b *testing.B, name string, w benchWorkload) {
	p, err := NewPolicy(name, Config{Capacity: w.capacity, Seed: 1, ObjectsHint: w.objects})
	if err != nil {
		b.Fatal(err)
	}
	n := len(w.trace)
	victims := make([]ObjectID, 0, 1024)
	// at is request g of the endless repetition of the trace.
	at := func(g int) Request {
		r := w.trace[g%n]
		off := int64(g / n * n)
		r.Time += off
		r.Next += off
		return r
	}
	key := name + "/" + w.name
	miss, known := benchMiss[key]
	warm := benchWarm
	if !known {
		warm = n
	}
	misses := 0
	for g := range warm {
		var hit bool
		if hit, victims = access(p, at(g), victims); !hit {
			misses++
		}
	}
	if !known {
		miss = float64(misses) / float64(n)
		benchMiss[key] = miss
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	b.ResetTimer()
	// Walk the repetition with a position and an offset instead of
	// dividing per request.
	pos, off := warm%n, int64(warm/n*n)
	for range b.N {
		r := w.trace[pos]
		r.Time += off
		r.Next += off
		_, victims = access(p, r, victims)
		if pos++; pos == n {
			pos, off = 0, off+int64(n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "req/cpu-s")
	}
	b.ReportMetric(miss, "miss-ratio")
	if m, ok := p.(interface{ memBytes() int64 }); ok && p.Len() > 0 {
		b.ReportMetric(float64(m.memBytes())/float64(p.Len()), "B/object")
	}
}
