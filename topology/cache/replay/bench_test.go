package replay_test

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
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
	path := filepath.Join(b.TempDir(), name)
	fh, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	zw, err := workload.CompressTo(fh, path)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(zw, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]workload.TraceRecord, n)
	for i := range recs {
		k := uint64(math.Exp(rng.Float64() * 14))
		recs[i] = workload.TraceRecord{Time: int64(i / 1000), ID: k * 0x9E3779B97F4A7C15, Size: int64(math.Exp(6 + 8*float64(k%1000)/1000))}
	}
	workload.ComputeNext(recs)
	w := workload.NewTraceWriter(bw, workload.TraceOracle)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkLoad decodes and indexes a 2M-request oracleGeneral trace file
// (the page cache warm): what `cdnsim replay` does before its first run.
func BenchmarkLoad(b *testing.B) {
	const n = 2_000_000
	for _, name := range []string{"t.oracleGeneral", "t.oracleGeneral.zst"} {
		b.Run(name, func(b *testing.B) {
			path := writeBenchTrace(b, name, n)
			b.ReportAllocs()
			for b.Loop() {
				tr, err := replay.Load(path, workload.TraceOracle)
				if err != nil || len(tr.Requests) != n {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "records/s")
		})
	}
}
