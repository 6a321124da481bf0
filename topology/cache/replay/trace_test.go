package replay_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/topology/cache/replay"
	"github.com/cdnsim/cdnsim/workload"
)

// TestNewTraceMatchesBruteForce checks Next, Bytes, Objects and WorkingSet
// against a direct computation with a Go map on random traces: dense IDs,
// ID 0, IDs differing only in high bits, random 64-bit IDs, and one object
// repeated (the table starts small and grows many times over). The same
// trace written as an oracleGeneral file, whose objects Load counts as it
// decodes, gives the same totals and requests.
func TestNewTraceMatchesBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	kinds := map[string]func() uint64{
		"dense":      func() uint64 { return rng.Uint64N(3000) },
		"high bits":  func() uint64 { return rng.Uint64N(3000) << 40 },
		"random":     func() uint64 { return rng.Uint64() },
		"one object": func() uint64 { return 0 },
	}
	for name, id := range kinds {
		t.Run(name, func(t *testing.T) {
			reqs := make([]cache.Request, 50000)
			for i := range reqs {
				reqs[i] = cache.Request{ID: cache.ObjectID(id()), Size: 1 + rng.Int64N(1000), Time: int64(i), Next: -5}
			}
			// The reference: Next by a forward pass remembering each
			// object's last request; the first size seen counts.
			wantNext := make([]int64, len(reqs))
			last := map[cache.ObjectID]int{}
			first := map[cache.ObjectID]int64{}
			var bytes, ws int64
			for i, r := range reqs {
				wantNext[i] = cache.Never
				if j, ok := last[r.ID]; ok {
					wantNext[j] = int64(i) + 1
				} else {
					first[r.ID] = r.Size
					ws += r.Size
				}
				last[r.ID] = i
				bytes += r.Size
			}
			tr := replay.NewTrace(reqs)
			if tr.Bytes != bytes || tr.Objects != int64(len(first)) || tr.WorkingSet != ws {
				t.Fatalf("bytes %d, objects %d, working set %d; want %d, %d, %d", tr.Bytes, tr.Objects, tr.WorkingSet, bytes, len(first), ws)
			}
			for i, r := range tr.All() {
				if r.Next != wantNext[i] {
					t.Fatalf("request %d: next %d, want %d", i+1, r.Next, wantNext[i])
				}
			}
			path := filepath.Join(t.TempDir(), "t.oracleGeneral")
			writeOracle(t, path, recordsOf(tr))
			loaded, err := replay.Load(path, workload.TraceOracle)
			if err != nil {
				t.Fatal(err)
			}
			defer loaded.Close()
			same := slices.Equal(requestsOf(loaded), requestsOf(tr))
			if loaded.Bytes != bytes || loaded.Objects != int64(len(first)) || loaded.WorkingSet != ws || loaded.Len() != len(reqs) || !same {
				t.Fatalf("loaded from oracleGeneral: bytes %d, objects %d, working set %d, %d requests, the same %v; want %d, %d, %d, %d",
					loaded.Bytes, loaded.Objects, loaded.WorkingSet, loaded.Len(), same, bytes, len(first), ws, len(reqs))
			}
		})
	}
}

// requestsOf is tr's requests, in order.
func requestsOf(tr *replay.Trace) []cache.Request {
	var reqs []cache.Request
	for _, r := range tr.All() {
		reqs = append(reqs, r)
	}
	return reqs
}

// recordsOf is tr's requests as oracleGeneral records.
func recordsOf(tr *replay.Trace) []workload.TraceRecord {
	var recs []workload.TraceRecord
	for _, r := range tr.All() {
		next := r.Next
		if next == cache.Never {
			next = -1
		}
		recs = append(recs, workload.TraceRecord{Time: r.Time, ID: uint64(r.ID), Size: r.Size, Next: next})
	}
	return recs
}

// writeOracle writes recs to path as an oracleGeneral trace, compressed as
// its name says.
func writeOracle(tb testing.TB, path string, recs []workload.TraceRecord) {
	tb.Helper()
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw, err := workload.CompressTo(fh, path)
	if err != nil {
		tb.Fatal(err)
	}
	w := workload.NewTraceWriter(zw, workload.TraceOracle)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			tb.Fatal(err)
		}
	}
	for _, err := range []error{w.Flush(), zw.Close(), fh.Close()} {
		if err != nil {
			tb.Fatal(err)
		}
	}
}
