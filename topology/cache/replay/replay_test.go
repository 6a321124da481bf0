package replay_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/topology/cache/replay"
	"github.com/cdnsim/cdnsim/workload"
)

// tinyIDs is the hand-worked trace: (id:size) 1:4 2:4 1:4 3:4 2:4 1:4 4:2
// 1:4 3:4. 34 bytes are requested; the working set is 4 objects, 14 bytes.
var tinyIDs = []uint64{1, 2, 1, 3, 2, 1, 4, 1, 3}

func tinySize(id uint64) int64 {
	if id == 4 {
		return 2
	}
	return 4
}

// writeTiny writes the hand-worked trace to dir/name in the format and
// compression its name implies, through workload's writers (CloudFront
// logs by hand, with some transfers shorter than their object).
func writeTiny(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := workload.TraceFormatFromName(path)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := workload.CompressTo(fh, path)
	if err != nil {
		t.Fatal(err)
	}
	if f == workload.TraceCloudFront {
		fmt.Fprintf(w, "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes cs-method cs-uri-stem\n")
		for i, id := range tinyIDs {
			sent := fmt.Sprint(tinySize(id))
			if i == 5 || i == 8 {
				sent = map[int]string{5: "-", 8: "1"}[i] // a 304, a range response
			}
			fmt.Fprintf(w, "2024-01-01\t00:00:%02d\tIAD5\t%s\tGET\t/o/%d\n", i, sent, id)
		}
	} else {
		tw := workload.NewTraceWriter(w, f)
		recs := make([]workload.TraceRecord, len(tinyIDs))
		for i, id := range tinyIDs {
			recs[i] = workload.TraceRecord{Time: int64(i), ID: id, Size: tinySize(id)}
		}
		workload.ComputeNext(recs)
		for _, r := range recs {
			if err := tw.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func load(t *testing.T, path string) *replay.Trace {
	t.Helper()
	f, err := workload.TraceFormatFromName(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := replay.Load(path, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// TestLoadEveryFormat decodes the hand-worked trace from each format and
// compression: the same requests (a CloudFront log's IDs are its paths in
// order of first appearance, its sizes the largest transfers), the same
// totals and the same Next, recorded (oracleGeneral) or computed.
func TestLoadEveryFormat(t *testing.T) {
	t.Parallel()
	// Next by hand: the 1-based index of the object's next request.
	const never = cache.Never
	wantNext := []int64{3, 5, 6, 9, never, 8, never, never, never}
	for _, name := range []string{"t.csv", "t.csv.gz", "t.oracleGeneral", "t.oracleGeneral.zst", "cf.log", "E2EXAMPLE.2024-01-01-00.abcd.gz"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr := load(t, writeTiny(t, name))
			if tr.Len() != 9 || tr.Bytes != 34 || tr.Objects != 4 || tr.WorkingSet != 14 {
				t.Fatalf("%d requests, %d bytes, %d objects, working set %d; want 9, 34, 4, 14", tr.Len(), tr.Bytes, tr.Objects, tr.WorkingSet)
			}
			cloudFront := strings.HasSuffix(name, ".log") || strings.HasPrefix(name, "E2")
			for i, r := range tr.All() {
				wantID := cache.ObjectID(tinyIDs[i])
				if cloudFront {
					wantID-- // objects 1 2 3 4 first appear in that order
				}
				want := cache.Request{ID: wantID, Size: tinySize(tinyIDs[i]), Time: int64(i), Next: wantNext[i]}
				if cloudFront {
					want.Time += 1704067200 // 2024-01-01T00:00:00Z
				}
				if r != want {
					t.Errorf("request %d: %+v, want %+v", i+1, r, want)
				}
			}
		})
	}
}

func TestLoadErrorsNameFileAndRecord(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(path, []byte("time,obj_id,size\n1,2,3\n2,3,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := replay.Load(path, workload.TraceCSV); err == nil || err.Error() != path+":3: record 2: size: 0 (sizes must be > 0)" {
		t.Fatalf("error %v", err)
	}
	if _, err := replay.Load(filepath.Join(t.TempDir(), "absent.csv"), workload.TraceCSV); !os.IsNotExist(err) {
		t.Fatalf("absent file: %v", err)
	}
}

func TestHandWorkedLRUFIFOAndBelady(t *testing.T) {
	t.Parallel()
	tr := load(t, writeTiny(t, "tiny.csv"))
	// Capacity 10 bytes.
	// LRU: 1m 2m 1h 3m(evicts 2) 2m(evicts 1) 1m(evicts 3) 4m(fits: 10) 1h
	//      3m(evicts 2): 7 misses, 4*6+2 = 26 bytes.
	// FIFO: 1m 2m 1h 3m(evicts 1) 2h 1m(evicts 2) 4m(fits) 1h 3h:
	//      5 misses, 4*4+2 = 18 bytes.
	// Belady needs Next, which Load computes for a CSV trace: 1m 2m 1h
	//      3m(evicts 1, next at 6, not 2, next at 5) 2h 1m(evicts 2, never
	//      again) 4m(fits) 1h 3h: 5 misses, 18 bytes.
	runs := []replay.Run{{Policy: "lru", Capacity: 10}, {Policy: "fifo", Capacity: 10}, {Policy: "belady", Capacity: 10}}
	if err := tr.Replay(runs, replay.Options{}); err != nil {
		t.Fatal(err)
	}
	for i, want := range [][2]int64{{7, 26}, {5, 18}, {5, 18}} {
		if r := runs[i]; r.Misses != want[0] || r.ByteMisses != want[1] {
			t.Errorf("%s: %d misses, %d bytes; want %d, %d", r.Policy, r.Misses, r.ByteMisses, want[0], want[1])
		}
	}
	if got := runs[0].MissRatio(tr); got != 7.0/9 {
		t.Errorf("lru miss ratio %v, want 7/9", got)
	}
	if got := runs[0].ByteMissRatio(tr); got != 26.0/34 {
		t.Errorf("lru byte miss ratio %v, want 26/34", got)
	}
}

func TestIgnoreSizeCountsObjects(t *testing.T) {
	t.Parallel()
	tr := load(t, writeTiny(t, "tiny.csv"))
	// 3 bytes: only object 4 (2 bytes) fits, and it is never requested
	// again, so all 9 requests miss.
	// 3 objects: 1m 2m 1h 3m 2h 1h 4m(evicts 3) 1h 3m(evicts 2): 5 misses.
	// The byte miss ratio still weighs requests by their real sizes:
	// 4+4+4+2+4 = 18 of 34 bytes.
	bytesMode := []replay.Run{{Policy: "lru", Capacity: 3}}
	objMode := []replay.Run{{Policy: "lru", Capacity: 3}}
	if err := tr.Replay(bytesMode, replay.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Replay(objMode, replay.Options{IgnoreSize: true}); err != nil {
		t.Fatal(err)
	}
	if bytesMode[0].Misses != 9 {
		t.Errorf("3 bytes: %d misses, want 9", bytesMode[0].Misses)
	}
	if objMode[0].Misses != 5 || objMode[0].ByteMisses != 18 {
		t.Errorf("3 objects: %d misses, %d bytes; want 5, 18", objMode[0].Misses, objMode[0].ByteMisses)
	}
}

func TestAdmissionApplies(t *testing.T) {
	t.Parallel()
	tr := load(t, writeTiny(t, "tiny.csv"))
	// max-size:3 admits only object 4 (2 bytes), which is never requested
	// again, so every request misses though 10 bytes hold three objects.
	runs := []replay.Run{{Policy: "lru", Capacity: 10, Admission: "max-size:3"}}
	if err := tr.Replay(runs, replay.Options{}); err != nil || runs[0].Misses != 9 {
		t.Fatalf("%d misses, %v; want 9", runs[0].Misses, err)
	}
	runs = []replay.Run{{Policy: "lru", Capacity: 10}, {Policy: "nope", Capacity: 10}, {Policy: "lru", Capacity: 10, Admission: "nope"}}
	if err := tr.Replay(runs, replay.Options{}); err == nil || !strings.Contains(err.Error(), `"nope"`) || runs[0].Misses != 7 {
		t.Fatalf("unknown names: %v (the good run: %d misses)", err, runs[0].Misses)
	}
}

func TestCapacity(t *testing.T) {
	t.Parallel()
	tr := load(t, writeTiny(t, "tiny.csv")) // 14 bytes, 4 objects
	for _, tc := range []struct {
		spec       string
		ignoreSize bool
		want       int64
		frac       float64
	}{
		{"10", false, 10, 0},
		{"1KB", false, 1024, 0},
		{" 1.5KB ", false, 1536, 0},
		{"10", true, 10, 0},
		// 0.75 × 14 bytes = 10.5, truncated like libCacheSim's cachesim.
		{"0.75", false, 10, 0.75},
		{"0.75", true, 3, 0.75},
		{"50%", false, 7, 0.5},
		{"100%", true, 4, 1},
		{"0.01", false, 1, 0.01}, // a tiny fraction still holds something
	} {
		c, err := replay.ParseCapacity(tc.spec, tc.ignoreSize)
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		if got := c.Resolve(tr, tc.ignoreSize); got != tc.want || c.Fraction() != tc.frac || c.Text != tc.spec {
			t.Errorf("%q (ignore size %v): %d, fraction %v, text %q; want %d, %v", tc.spec, tc.ignoreSize, got, c.Fraction(), c.Text, tc.want, tc.frac)
		}
	}
	for _, tc := range []struct {
		spec       string
		ignoreSize bool
		want       string
	}{
		{"0", false, "capacity must be > 0"},
		{"1.5", false, "(0, 1]"},
		{"0%", false, "(0%, 100%]"},
		{"101%", true, "(0%, 100%]"},
		{"10XB", false, "10XB"},
		{"1KB", true, "object count"},
		{"-3", true, "object count"},
	} {
		if _, err := replay.ParseCapacity(tc.spec, tc.ignoreSize); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one saying %q", tc.spec, err, tc.want)
		}
	}
}

// TestParallelMatchesSequential replays a random trace through every
// registered policy at several sizes with 1 and with 4 workers: each run
// owns its cache, so the results must not depend on the scheduling.
// skewedTrace is n requests over 500 objects of skewed popularity, sized
// 100 to 999 bytes, with Next filled in.
func skewedTrace(n int) *replay.Trace {
	rng := rand.New(rand.NewPCG(7, 7))
	reqs := make([]cache.Request, n)
	for i := range reqs {
		id := uint64(rng.IntN(500)) // squared: a skewed popularity
		id = id * id / 500
		reqs[i] = cache.Request{Time: int64(i), ID: cache.ObjectID(id), Size: int64(100 + id*37%900)}
	}
	return replay.NewTrace(reqs)
}

// everyPolicy is a run of every policy at three capacities.
func everyPolicy(tr *replay.Trace) []replay.Run {
	var runs []replay.Run
	for _, p := range cache.PolicyNames() {
		for _, c := range []int64{2 << 10, 8 << 10, tr.WorkingSet * 3 / 10} {
			runs = append(runs, replay.Run{Policy: p, Capacity: c})
		}
	}
	return runs
}

// TestMappedTraceReplaysAsDecoded replays one trace held three ways: built
// in memory, decoded from a .zst file, and mapped from an uncompressed
// file, which the parallel runs decode in place at once, batch by batch.
// Every run must count the same misses; and a mapped file rewritten in
// place since it was loaded fails the runs that read it, naming it.
func TestMappedTraceReplaysAsDecoded(t *testing.T) {
	t.Parallel()
	mem := skewedTrace(20000) // five batches and a part
	want := everyPolicy(mem)
	if err := mem.Replay(want, replay.Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"t.oracleGeneral.zst", "t.oracleGeneral"} {
		path := filepath.Join(dir, name)
		writeOracle(t, path, recordsOf(mem))
		tr := load(t, path)
		runs := everyPolicy(tr)
		if err := tr.Replay(runs, replay.Options{Workers: 4}); err != nil {
			t.Fatal(err)
		}
		for i := range runs {
			if runs[i].Misses != want[i].Misses || runs[i].ByteMisses != want[i].ByteMisses {
				t.Errorf("%s, %s at %d: %d/%d misses; from memory %d/%d", name, runs[i].Policy, runs[i].Capacity, runs[i].Misses, runs[i].ByteMisses, want[i].Misses, want[i].ByteMisses)
			}
		}
	}
	path := filepath.Join(dir, "t.oracleGeneral")
	tr := load(t, path)
	fh, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt([]byte{0, 0, 0, 0}, 24*9999+12); err != nil { // record 10000's size: 0
		t.Fatal(err)
	}
	fh.Close()
	err = tr.Replay([]replay.Run{{Policy: "lru", Capacity: 4 << 10}}, replay.Options{})
	if wantErr := "lru: " + path + ": record 10000: size: 0 (sizes must be > 0)"; err == nil || err.Error() != wantErr {
		t.Fatalf("replaying a file changed since loaded: %v, want %s", err, wantErr)
	}
}

func TestParallelMatchesSequential(t *testing.T) {
	t.Parallel()
	tr := skewedTrace(20000)
	runs := everyPolicy(tr)
	seq := slices.Clone(runs)
	par := slices.Clone(runs)
	if err := tr.Replay(seq, replay.Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Replay(par, replay.Options{Workers: 4}); err != nil {
		t.Fatal(err)
	}
	for i := range seq {
		if seq[i].Misses != par[i].Misses || seq[i].ByteMisses != par[i].ByteMisses {
			t.Errorf("%s at %d: sequential %d/%d misses, parallel %d/%d", seq[i].Policy, seq[i].Capacity, seq[i].Misses, seq[i].ByteMisses, par[i].Misses, par[i].ByteMisses)
		}
		if seq[i].Misses <= 0 || seq[i].Misses > int64(tr.Len()) {
			t.Errorf("%s at %d: %d misses of %d requests", seq[i].Policy, seq[i].Capacity, seq[i].Misses, tr.Len())
		}
	}
}
