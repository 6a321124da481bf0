package replay_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/cdnsim/cdnsim/topology/cache/replay"
	"github.com/cdnsim/cdnsim/workload"
)

// writeBenchTrace writes n records with log-uniform popularity over ~1.2M
// objects (random 64-bit IDs) and sizes from hundreds of bytes to
// megabytes to an oracleGeneral file named name (.zst compresses it).
func writeBenchTrace(b *testing.B, name string, n int) string {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]workload.TraceRecord, n)
	for i := range recs {
		k := uint64(math.Exp(rng.Float64() * 14))
		recs[i] = workload.TraceRecord{Time: int64(i / 1000), ID: k * 0x9E3779B97F4A7C15, Size: int64(math.Exp(6 + 8*float64(k%1000)/1000))}
	}
	workload.ComputeNext(recs)
	path := filepath.Join(b.TempDir(), name)
	writeOracle(b, path, recs)
	return path
}

// BenchmarkLoad loads a 2M-request oracleGeneral trace file (the page
// cache warm): what `cdnsim replay` does before its first run. The
// uncompressed file is mapped, checked and its objects counted; the .zst
// one is decompressed and decoded into memory as well.
// BenchmarkLoad/…/lru adds one run, LRU at 1% of the objects with sizes
// ignored: a whole `cdnsim replay --parallel 1` but for starting the
// process.
func BenchmarkLoad(b *testing.B) {
	const n = 2_000_000
	for _, name := range []string{"t.oracleGeneral", "t.oracleGeneral.zst"} {
		path := writeBenchTrace(b, name, n)
		for _, lru := range []bool{false, true} {
			sub := name
			if lru {
				sub += "/lru"
			}
			b.Run(sub, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					tr, err := replay.Load(path, workload.TraceOracle)
					if err != nil || tr.Len() != n {
						b.Fatal(err)
					}
					if lru {
						runs := []replay.Run{{Policy: "lru", Capacity: tr.Objects / 100}}
						if err := tr.Replay(runs, replay.Options{IgnoreSize: true, Workers: 1}); err != nil {
							b.Fatal(err)
						}
					}
					tr.Close()
				}
				b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}
