//go:build unix

package cache

import "syscall"

// processCPU is the process's user+system CPU time in seconds. Benchmarks
// report throughput per CPU second too, because on a shared machine wall
// time measures the neighbours as much as the code.
func processCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
