package scenarios

import (
	"testing"
	"time"
)

// BenchmarkNewsSpike runs the built-in news-spike scenario end to end —
// workload generation, DNS, both cache tiers, origin model and the recorder —
// once per iteration, and reports simulated requests per second of wall
// time. Run with -benchtime 1x -count 5.
func BenchmarkNewsSpike(b *testing.B) {
	s, err := Load("news-spike", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var reqs int64
	var wall time.Duration
	for i := 0; i < b.N; i++ {
		r, err := s.NewRun(s.Seed)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		r.Simulate(nil)
		wall += time.Since(start)
		reqs += r.Recorder.Summary().Requests
	}
	b.ReportMetric(float64(reqs)/wall.Seconds(), "req/s")
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/run")
}
