package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/cdnsim/cdnsim/topology"
)

// writeShards splits handOutcomes into shards by shardOf and writes each
// shard's outputs, returning their directories.
func writeShards(t *testing.T, k int, shardOf func(i int) int, edit func(c *Config)) []string {
	t.Helper()
	dirs := make([]string, k)
	for s := range k {
		cfg := handConfig()
		cfg.Shard, cfg.Shards, cfg.SampleRate = s, k, 1/float64(k)
		if edit != nil {
			edit(&cfg)
		}
		r := NewRecorder(cfg)
		for i, o := range append(append([]topology.Outcome{}, handOutcomes...), moreHandOutcomes...) {
			if shardOf(i) == s {
				r.Observe(&o)
			}
		}
		// Every shard submits the invalidation; connections add up.
		r.SetNetworkStats(topology.Stats{InvalidationPaths: 3, ConnectionsOpened: 5})
		dirs[s] = filepath.Join(t.TempDir(), "shard")
		if err := r.WriteFiles(dirs[s]); err != nil {
			t.Fatal(err)
		}
	}
	return dirs
}

// TestMergedShardsAreTheWholeRun: shards that together saw the twelve hand
// outcomes merge into the recorder of all of them: every count the sum of
// the shards', the origin peak that of the summed seconds (2 at 12 s,
// where the shards' own peaks add up to 3), the same time series.
func TestMergedShardsAreTheWholeRun(t *testing.T) {
	t.Parallel()
	inB := map[int]bool{5: true, 8: true, 9: true}
	dirs := writeShards(t, 2, func(i int) int {
		if inB[i] {
			return 1
		}
		return 0
	}, nil)
	if _, err := os.Stat(filepath.Join(dirs[0], CountsFile)); err != nil {
		t.Fatal("a shard wrote no counts:", err)
	}
	// Given in any order.
	m, err := MergeShards([]string{dirs[1], dirs[0]})
	if err != nil {
		t.Fatal(err)
	}
	got, want := m.Summary(), fullHandRecorder().Summary()
	if got.Shard != "2 shards" || got.ShardSpread == nil || got.ShardSpread.Shards != 2 {
		t.Fatalf("merge label %q, spread %+v", got.Shard, got.ShardSpread)
	}
	sp := got.ShardSpread
	got.Shard, got.ShardSpread = "", nil
	want.Invalidations.Paths, want.Tiers.Origin.Connections.Opened = 3, 10
	want.Tiers.Origin.Connections.ReuseRatio = NewRatio(0, 10)
	// A POP's egress peak merges as the sum of the shards' peaks: at least
	// the whole run's (B's busiest second differs between the shards).
	for i := range got.POPs {
		if g, w := got.POPs[i].EgressPeakGbps, want.POPs[i].EgressPeakGbps; g < w {
			t.Errorf("POP %s: merged egress peak %v below the whole run's %v", got.POPs[i].Name, g, w)
		}
		got.POPs[i].EgressPeakGbps = want.POPs[i].EgressPeakGbps
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged summary\n got %+v\nwant %+v", got, want)
	}
	if got.Tiers.Origin.PeakRPS != 2 || got.Tiers.Origin.PeakAtS != 12 {
		t.Errorf("merged peak %v at %v s, want 2 at 12", got.Tiers.Origin.PeakRPS, got.Tiers.Origin.PeakAtS)
	}
	if !bytes.Equal(m.TimeseriesCSV(), fullHandRecorder().TimeseriesCSV()) {
		t.Error("merged time series differs from the whole run's")
	}
	// Shard 0 saw 9 requests, shard 1 saw 3; at R = 1/2 they estimate 18
	// and 6. Edge hit ratios: shard 0 3 hits of its 8 cacheable requests
	// (not the error), shard 1 1 hit of its 2 (not the POST).
	if sp.Requests.N != 2 || sp.Requests.Min != 6 || sp.Requests.Max != 18 || sp.Requests.Mean != 12 {
		t.Errorf("requests spread %+v, want 6..18 mean 12", sp.Requests)
	}
	if sp.EdgeHitRatio.Min != 3.0/8 || sp.EdgeHitRatio.Max != 0.5 {
		t.Errorf("edge hit ratio spread %+v, want 3/8..1/2", sp.EdgeHitRatio)
	}
	if title := m.title("x"); !strings.Contains(title, "merged 2 shards") {
		t.Errorf("title %q", title)
	}
}

func TestMergeRefusesShardsOfDifferentRuns(t *testing.T) {
	t.Parallel()
	half := func(i int) int { return i % 2 }
	a := writeShards(t, 2, half, nil)
	seed := writeShards(t, 2, half, func(c *Config) { c.Seed = 43 })
	four := writeShards(t, 4, func(i int) int { return i % 4 }, nil)
	other := writeShards(t, 2, half, func(c *Config) { c.Scenario = "other" })
	for _, tc := range []struct {
		name string
		dirs []string
		msg  string
	}{
		{"different seeds", []string{a[0], seed[1]}, "seed 43, but"},
		{"different scenarios", []string{a[0], other[1]}, "scenario other, but"},
		{"different shard counts", []string{a[0], four[1]}, "shard count 4, but"},
		{"a shard twice", []string{a[0], a[0]}, "shard 0/2 again"},
		{"a shard missing", []string{four[0], four[1], four[3]}, "3 of 4 shards given; missing [2]"},
		{"not a shard", []string{a[0], t.TempDir()}, "no such file"},
		{"nothing", nil, "no shard directories"},
	} {
		_, err := MergeShards(tc.dirs)
		var me *MergeError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want a MergeError saying %q", tc.name, err, tc.msg)
		}
	}
}

// notCounters are the Recorder's fields that are not counters: its
// configuration (counts.json keeps it apart), derived sizes, state of the
// run, the merge's spread, the current-bin cache, and a sample's figures
// by class and POP and tally for its adjustment (a shard has none, so no
// merge does).
var notCounters = map[string]bool{"cfg": true, "nBins": true, "partial": true, "spread": true, "cur": true, "curStart": true, "curEnd": true,
	"byClass": true, "tally": true, "popHitBytes": true}

// fillCounters sets every integer reachable from v (through structs,
// arrays and slices; unexported fields too) to a distinct value from *n on.
func fillCounters(v reflect.Value, n *int64) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		*n++
		v.SetInt(*n % 100)
		if v.Int() == 0 {
			v.SetInt(100)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		*n++
		v.SetUint(uint64(*n%100 + 1))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type() == reflect.TypeFor[Recorder]() && notCounters[v.Type().Field(i).Name] {
				continue
			}
			f := v.Field(i)
			fillCounters(reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), n)
		}
	case reflect.Array, reflect.Slice:
		for i := range v.Len() {
			fillCounters(v.Index(i), n)
		}
	}
}

// TestMergeKnowsEveryCounter: every counter of a Recorder (every integer
// it holds but its configuration and transient state) survives counts.json
// and a merge, so a counter added to the Recorder but not to binFields,
// popFields, statsFields, recorderFields, bin.add or addShard fails here.
func TestMergeKnowsEveryCounter(t *testing.T) {
	t.Parallel()
	cfg := handConfig()
	cfg.Shard, cfg.Shards, cfg.SampleRate = 0, 1, 1
	r := NewRecorder(cfg)
	var n int64
	fillCounters(reflect.ValueOf(r).Elem(), &n)
	c := r.counts() // folds each POP's last second into its peak
	for i := range r.pops {
		r.pops[i].sec = 0 // which second secBytes counted: gone with it
	}
	saved, err := c.recorder(r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A merge into an empty recorder gives the shard's counters back.
	merged := NewRecorder(r.cfg)
	merged.addShard(saved)
	for name, got := range map[string]*Recorder{"counts.json": saved, "a merge": merged} {
		if !reflect.DeepEqual(got.bins, r.bins) || !reflect.DeepEqual(got.pops, r.pops) || got.net != r.net ||
			!reflect.DeepEqual(got.hist, r.hist) || !reflect.DeepEqual(got.originPS, r.originPS) ||
			!reflect.DeepEqual(got.resultHist, r.resultHist) || got.byResult != r.byResult || got.bypass != r.bypass ||
			got.byStatus != r.byStatus || got.extras != r.extras || got.ranges != r.ranges || got.warmup != r.warmup || got.simulated != r.simulated {
			t.Errorf("%s loses counters:\n got %+v\nwant %+v", name, *got, *r)
		}
		// What the comparison above names is every field but notCounters.
		rt := reflect.TypeFor[Recorder]()
		if compared := 13; rt.NumField()-len(notCounters) != compared {
			t.Errorf("Recorder has %d fields besides notCounters; the comparison names %d: add the new one", rt.NumField()-len(notCounters), compared)
		}
	}
}
