//go:build !unix

package workload

// processCPU is unknown here: benchmarks report no per-CPU-second figure.
func processCPU() float64 { return 0 }
