package workload

import (
	"fmt"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

// BenchmarkNewsSpike generates the NewsSpikeExample day (200k-object zipf
// static class, ~300 article births an hour, one spike, 40 metros); one op
// is one request. A generator that runs dry is replaced outside the timer.
func BenchmarkNewsSpike(b *testing.B) {
	cfg := NewsSpikeExample()
	g := mustNew(b, cfg, 1)
	var r Request
	var sum int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !g.Next(&r) {
			b.StopTimer()
			g = mustNew(b, cfg, uint64(i))
			b.StartTimer()
			g.Next(&r)
		}
		sum += r.Size
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if sum == 0 {
		b.Fatal("no bytes")
	}
}

// BenchmarkZipfRank is the rejection-inversion sampler alone.
func BenchmarkZipfRank(b *testing.B) {
	z, _ := NewZipf(200_000, 0.8)
	r := sim.NewRand(1, "bench")
	var s uint64
	for b.Loop() {
		s += z.Rank(r)
	}
	_ = s
}

// BenchmarkNewsSpikeDaySampled generates the whole NewsSpikeExample day at
// sample rates 1 and 0.01; one op is a day. A miniature draws its kept
// objects' zipf arrivals directly, but the births of the articles, which
// browsing follows, in full.
func BenchmarkNewsSpikeDaySampled(b *testing.B) {
	cfg := NewsSpikeExample()
	for _, rate := range []float64{1, 0.01} {
		b.Run(fmt.Sprintf("R=%v", rate), func(b *testing.B) {
			s, err := SampleSlice(rate)
			if err != nil {
				b.Fatal(err)
			}
			var n int
			for b.Loop() {
				g := mustNew(b, cfg, 1)
				g.SetSlice(s)
				var r Request
				for n = 0; g.Next(&r); n++ {
				}
			}
			b.ReportMetric(float64(n), "requests/day")
		})
	}
}
