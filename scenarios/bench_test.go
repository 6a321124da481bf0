package scenarios

import (
	"syscall"
	"testing"
	"time"
)

// cpuSeconds is the process's user+system CPU time so far: on a shared
// machine it moves less with the neighbours' load than wall time does.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// BenchmarkNewsSpike runs the built-in news-spike scenario end to end —
// its day of warm-up, then the measured day: workload generation, DNS,
// both cache tiers, the viewer side, the origin model and the recorder —
// once per iteration, and reports simulated requests per second of wall
// time and of CPU time. Run with -benchtime 1x -count 5.
func BenchmarkNewsSpike(b *testing.B) { benchScenario(b, "news-spike") }

// BenchmarkNewsSpikeCold is news-spike's day without the warm-up, the
// caches starting empty: the workload the benchmark ran before warm-ups,
// for comparing the engine's speed across versions. A warm day costs more
// per request than a cold one: the caches are full, so every admission
// evicts.
func BenchmarkNewsSpikeCold(b *testing.B) { benchScenario(b, "news-spike", "warmup=0s") }

func benchScenario(b *testing.B, name string, sets ...string) {
	s, err := Load(name, sets)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var reqs int64
	var wall time.Duration
	var cpu float64
	for i := 0; i < b.N; i++ {
		r, err := s.NewRun(s.Seed)
		if err != nil {
			b.Fatal(err)
		}
		start, cpu0 := time.Now(), cpuSeconds()
		r.Simulate(nil)
		wall += time.Since(start)
		cpu += cpuSeconds() - cpu0
		// Every simulated request counts, the warm-up's too: the figure is
		// the engine's speed.
		reqs += r.Recorder.Summary().Requests + r.Recorder.WarmupRequests()
	}
	b.ReportMetric(float64(reqs)/wall.Seconds(), "req/s")
	if cpu > 0 {
		b.ReportMetric(float64(reqs)/cpu, "req/cpu-s")
	}
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/run")
}
