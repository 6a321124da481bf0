package scenarios

import (
	"syscall"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
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
	benchSlice(b, name, workload.Slice{}, sets...)
}

// benchSlice runs the miniature sl of scenario name (the zero Slice: all of
// it).
func benchSlice(b *testing.B, name string, sl workload.Slice, sets ...string) {
	benchSliceHours(b, name, sl, false, sets...)
}

// benchSliceHours is benchSlice that, when hourly, also logs each virtual
// hour's requests per CPU-second: where in a long day the time goes.
func benchSliceHours(b *testing.B, name string, sl workload.Slice, hourly bool, sets ...string) {
	s, err := Load(name, sets)
	if err != nil {
		b.Fatal(err)
	}
	s = s.Miniature(sl)
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
		var progress func(sim.Time)
		if hourly {
			hour, hcpu, hreqs := sim.Time(0), cpu0, int64(0)
			progress = func(now sim.Time) {
				if now/sim.Hour == hour {
					return
				}
				c, n := cpuSeconds(), r.Recorder.Simulated()
				b.Logf("hour %d: %d requests, %.0f req/cpu-s", hour, n-hreqs, float64(n-hreqs)/(c-hcpu))
				hour, hcpu, hreqs = now/sim.Hour, c, n
			}
		}
		r.Simulate(progress)
		wall += time.Since(start)
		cpu += cpuSeconds() - cpu0
		// Every simulated request counts, the warm-up's too: the figure is
		// the engine's speed. (A miniature's summary is a full-scale
		// estimate, adjusted: not what it simulated.)
		reqs += r.Recorder.Simulated()
	}
	b.ReportMetric(float64(reqs)/wall.Seconds(), "req/s")
	if cpu > 0 {
		b.ReportMetric(float64(reqs)/cpu, "req/cpu-s")
	}
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/run")
}

// BenchmarkAllFeatures runs the all-features scenario's day (news-spike
// with cache keys, compression, edge functions, ranges, negative caching,
// failover, a price class and egress caps all configured), without its
// warm-up: the engine's speed with the whole request model on.
func BenchmarkAllFeatures(b *testing.B) { benchScenario(b, allFeatures, "warmup=0s") }

// BenchmarkCloudfrontDayMiniature runs cloudfront-day as `cdnsim run
// cloudfront-day --sample 0.01` does, its warm-up included: the README's
// "a billion-request day in a minute" figure. requests/run counts the
// simulated (kept) requests, not the full-scale estimate.
func BenchmarkCloudfrontDayMiniature(b *testing.B) {
	sl, err := workload.SampleSlice(0.01)
	if err != nil {
		b.Fatal(err)
	}
	benchSlice(b, "cloudfront-day", sl)
}

// BenchmarkCloudfrontDayShardHours runs shard 0 of 2 of cloudfront-day for
// 3 hours (2 of them warm-up): the whole day's work at its scale (millions
// of live objects, caches of millions of objects), in about a minute
// rather than 20. Its requests/cpu-s stand for `cdnsim run cloudfront-day
// --shards 2`'s.
func BenchmarkCloudfrontDayShardHours(b *testing.B) {
	sl, err := workload.ShardSlice(0, 2)
	if err != nil {
		b.Fatal(err)
	}
	benchSlice(b, "cloudfront-day", sl, "workload.duration=1h", "warmup=2h")
}

// BenchmarkCloudfrontDayShard runs shard 0 of 2 of cloudfront-day, the
// whole day (its 6-hour warm-up, then 24 hours: 607 M requests), as `cdnsim
// run cloudfront-day --shards 2` runs each shard, logging every virtual
// hour's requests per CPU-second (-test.v). About 12 minutes on one core:
// the benchmark for the late hours, whose caches are full and evict,
// which BenchmarkCloudfrontDayShardHours never reaches. Run with
// -benchtime 1x.
func BenchmarkCloudfrontDayShard(b *testing.B) {
	sl, err := workload.ShardSlice(0, 2)
	if err != nil {
		b.Fatal(err)
	}
	benchSliceHours(b, "cloudfront-day", sl, true)
}
