//go:build !unix

package cache

// processCPU is unavailable here; benchmarks then skip the req/cpu-s metric.
func processCPU() float64 { return 0 }
