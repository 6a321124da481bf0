package replay

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/cdnsim/cdnsim/topology/cache"
)

// Run is one policy at one capacity: what to replay, and once Replay
// returns, what it measured.
type Run struct {
	Policy   string // a cache.NewPolicy name
	Capacity int64  // bytes, or objects with Options.IgnoreSize
	// Admission is a cache.NewAdmission spec ("max-size:1MB"); "" admits
	// everything.
	Admission string
	// ObjectsHint is cache.Config.ObjectsHint; 0 takes
	// Trace.ObjectsHint's estimate.
	ObjectsHint int

	Misses     int64   // requests not served from the cache
	ByteMisses int64   // their bytes
	Seconds    float64 // wall-clock time of the run
}

// Options apply to every run of a Replay.
type Options struct {
	// IgnoreSize makes every object weigh 1: capacities count objects.
	IgnoreSize bool
	// Seed seeds the policies and admissions that make random choices.
	Seed uint64
	// Workers is how many runs go at once; 0 means GOMAXPROCS.
	Workers int
}

// Replay runs every run over the trace, each with its own cache, on at
// most opt.Workers goroutines, and fills in their results. Results do not
// depend on the scheduling. The error joins those of the runs that could
// not start (an unknown policy or admission).
func (tr *Trace) Replay(runs []Run, opt Options) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(runs))
	next := make(chan int)
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				errs[i] = tr.replayOne(&runs[i], opt)
			}
		})
	}
	for i := range runs {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func (tr *Trace) replayOne(run *Run, opt Options) error {
	start := time.Now()
	hint := run.ObjectsHint
	if hint == 0 {
		hint = tr.ObjectsHint(run.Capacity, opt.IgnoreSize)
	}
	p, err := cache.NewPolicy(run.Policy, cache.Config{Capacity: run.Capacity, Seed: opt.Seed, ObjectsHint: hint})
	if err != nil {
		return err
	}
	a, err := cache.NewAdmission(run.Admission, opt.Seed)
	if err != nil {
		return err
	}
	c := cache.New(p, a, cache.Options{IgnoreSize: opt.IgnoreSize})
	var misses, byteMisses int64
	q := tr.requests()
	for b := q.next(); len(b) > 0; b = q.next() {
		for _, r := range b {
			if c.Access(r) == cache.Miss {
				misses++
				byteMisses += r.Size
			}
		}
	}
	if q.err != nil {
		return fmt.Errorf("%s: %w", run.Policy, q.err)
	}
	run.Misses, run.ByteMisses = misses, byteMisses
	run.Seconds = time.Since(start).Seconds()
	return nil
}

// MissRatio is the share of tr's requests that missed.
func (r *Run) MissRatio(tr *Trace) float64 {
	return float64(r.Misses) / float64(tr.n)
}

// ByteMissRatio is the share of tr's requested bytes that missed.
func (r *Run) ByteMissRatio(tr *Trace) float64 {
	if tr.Bytes == 0 {
		return 0
	}
	return float64(r.ByteMisses) / float64(tr.Bytes)
}
