package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios"
)

// The parts of a sweep directory (see the package documentation).
const (
	RunsDir   = "runs"
	FailedDir = "failed"
	TmpDir    = "tmp"
	// RunFile is a finished run's record: its spec, where it ran and how
	// long it took. Unlike summary.json it differs between two executions.
	RunFile = "run.json"
)

// ErrStopped is returned for a run that Plan.Stop cut short or kept from
// starting: it is neither done nor failed, and runs again next time.
var ErrStopped = errors.New("stopped by an interrupt")

// Simulate runs r in memory; the finished run's Recorder holds its
// results. It is the run `cdnsim run` does for the same scenario,
// overrides and seed. Once p.Stop is closed it returns ErrStopped.
func (p *Plan) Simulate(r *Run) (*scenarios.Run, error) {
	select {
	case <-p.Stop:
		return nil, ErrStopped
	default:
	}
	s, err := p.Scenario(r)
	if err != nil {
		return nil, err
	}
	sr, err := s.NewRun(r.Seed)
	if err != nil {
		return nil, err
	}
	if _, complete := sr.SimulateUntil(p.Stop, nil); !complete {
		return nil, ErrStopped
	}
	if err := sr.Err(); err != nil {
		return nil, err
	}
	return sr, nil
}

// RunDir is where r's results are in the sweep directory dir.
func RunDir(dir string, r *Run) string { return filepath.Join(dir, RunsDir, r.ID) }

// Done reports whether r's results are in dir.
func Done(dir string, r *Run) bool {
	_, err := os.Stat(filepath.Join(RunDir(dir, r), report.SummaryFile))
	return err == nil
}

// runRecord is run.json.
type runRecord struct {
	ID      string  `json:"id"`
	Spec    Spec    `json:"spec"`
	Host    string  `json:"host"`
	Seconds float64 `json:"seconds"` // wall-clock time of the simulation and the writing
}

// Execute runs r into dir unless its results are there already (skipped).
// The results are summary.json and timeseries.csv, as `cdnsim run` writes
// them, and run.json. They are written into a fresh directory under
// dir/tmp, which is then renamed to dir/runs/<id>: a run's results are
// all there or not at all, whoever is killed when. Two executions of one
// run at once both simulate and the first rename wins; the results are
// identical. A failure is recorded in dir/failed/<id>.txt and returned.
func (p *Plan) Execute(dir string, r *Run) (skipped bool, err error) {
	if Done(dir, r) {
		return true, nil
	}
	start := time.Now()
	defer func() {
		if err != nil && !errors.Is(err, ErrStopped) {
			msg := fmt.Sprintf("run %s (%v, seed %d): %v\n", r.ID, r.Overrides, r.Seed, err)
			if os.MkdirAll(filepath.Join(dir, FailedDir), 0o755) == nil {
				_ = report.WriteAtomic(failedFile(dir, r), []byte(msg))
			}
		}
	}()
	sr, err := p.Simulate(r)
	if err != nil {
		return false, err
	}
	js, err := sr.Recorder.Summary().JSON()
	if err != nil {
		return false, err
	}
	for _, d := range []string{TmpDir, RunsDir} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return false, err
		}
	}
	tmp, err := os.MkdirTemp(filepath.Join(dir, TmpDir), r.ID+".")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp) // after the rename, nothing is left to remove
	host, _ := os.Hostname()
	rec, err := json.MarshalIndent(runRecord{ID: r.ID, Spec: r.Spec, Host: host, Seconds: time.Since(start).Seconds()}, "", "  ")
	if err != nil {
		return false, err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{report.SummaryFile, js},
		{report.TimeseriesFile, sr.Recorder.TimeseriesCSV()},
		{RunFile, append(rec, '\n')},
	} {
		if err := os.WriteFile(filepath.Join(tmp, f.name), f.data, 0o644); err != nil {
			return false, err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return false, err
	}
	if err := os.Rename(tmp, RunDir(dir, r)); err != nil {
		if !errors.Is(err, fs.ErrExist) && !errors.Is(err, syscall.ENOTEMPTY) || !Done(dir, r) {
			return false, err
		}
		// Another execution of the run finished first: same results.
	}
	os.Remove(failedFile(dir, r)) // an earlier failure no longer stands
	return false, nil
}

func failedFile(dir string, r *Run) string { return filepath.Join(dir, FailedDir, r.ID+".txt") }

// Each calls do for every item, parallel at a time (at least one), on
// parallel goroutines; it returns when all calls have returned. A run is
// one goroutine, so more at once than GOMAXPROCS only holds more networks
// in memory.
func Each[T any](items []T, parallel int, do func(T)) {
	ch := make(chan T)
	var wg sync.WaitGroup
	for range max(1, min(parallel, len(items))) {
		wg.Go(func() {
			for it := range ch {
				do(it)
			}
		})
	}
	for _, it := range items {
		ch <- it
	}
	close(ch)
	wg.Wait()
}
