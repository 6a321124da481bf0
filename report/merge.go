package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// CountsFile is a shard's raw counts, written beside its summary.json:
// what MergeShards adds up. Summaries and time series hold ratios and
// estimates, which do not add; the counters behind them do, bin by bin,
// and so does the per-second origin series, which is what makes a merged
// peak exact (the sum of the shards' peaks is not the peak of the sum).
const CountsFile = "counts.json"

// countsFormat is CountsFile's version; a merge refuses any other.
const countsFormat = 5

// counts is CountsFile: a Recorder's state, as plain numbers. The
// counters are lists in the order of binFields, popFields, statsFields
// and latencyFields, so that a counter added to the Recorder is added to
// those lists and nowhere else.
type counts struct {
	Format     int        `json:"format"`
	Scenario   string     `json:"scenario"`
	Seed       uint64     `json:"seed"`
	Shard      int        `json:"shard"`
	Shards     int        `json:"shards"`
	WarmupNs   int64      `json:"warmup_ns"`
	DurationNs int64      `json:"duration_ns"`
	IntervalNs int64      `json:"interval_ns"`
	POPs       []string   `json:"pops"`
	Regions    []string   `json:"regions"`
	Markers    []markerNs `json:"markers"`
	Warnings   []string   `json:"warnings"`
	Bins       [][]int64  `json:"bins"`
	Hist       []uint32   `json:"hist"` // bins × nBuckets
	OriginPS   []int32    `json:"origin_per_second"`
	POPCounts  [][]int64  `json:"pop_counts"` // popFields, then the region
	Bypass     [4]int64   `json:"bypass"`
	Net        []int64    `json:"network"`
	Extra      []int64    `json:"extra"` // recorderFields
	ByResult   [][]int64  `json:"by_result"`
	ResultHist []uint64   `json:"result_hist"`
	Warmup     int64      `json:"warmup_requests"`
}

type markerNs struct {
	AtNs  int64  `json:"at_ns"`
	Label string `json:"label"`
}

// binFields lists a bin's counters; all are sums but ttfbMin and ttfbMax.
func binFields(b *bin) []*int64 {
	fs := []*int64{&b.requests, &b.bytes, &b.ttfbSum, &b.ttfbMin, &b.ttfbMax, &b.errors5xx, &b.errors4xx, &b.staleServed, &b.popDown, &b.failovers}
	for t := range b.tiers {
		fs = append(fs, b.tiers[t].fields()...)
	}
	for f := range b.flows {
		fs = append(fs, &b.flows[f].Requests, &b.flows[f].Bytes)
	}
	return fs
}

func (t *tierCount) fields() []*int64 {
	fs := []*int64{&t.fromCache, &t.upstream, &t.cachedErrors}
	for i := range t.results {
		fs = append(fs, &t.results[i], &t.bytes[i])
	}
	return fs
}

// popFields lists a POP's counters. peak, the busiest second's egress,
// is added like the sums in a merge: the merged peak is the sum of the
// shards' peaks, an upper bound (their busiest seconds may differ).
func popFields(p *popCount) []*int64 {
	fs := []*int64{&p.bytes, &p.steered, &p.peak}
	for i := range p.results {
		fs = append(fs, &p.results[i])
	}
	return fs
}

// statsFields lists the network's counters; InvalidationPaths is what
// every shard submitted alike: a merge does not add it.
func statsFields(s *topology.Stats) []*int64 {
	fs := []*int64{&s.ConnectionsOpened, &s.ConnectionsReused, (*int64)(&s.HandshakeTime), &s.InvalidationPaths,
		&s.InvalidatedObjects, &s.OriginFailures, (*int64)(&s.OriginQueueTime), &s.Revalidations, &s.NotModified,
		&s.BytesSaved, &s.DeadPOPRequests, &s.ResponseTimeouts, &s.Failovers, &s.Retries, &s.SteeredAnswers}
	for f := range s.Flows {
		fs = append(fs, &s.Flows[f].Requests, &s.Flows[f].Bytes)
	}
	return fs
}

// recorderFields lists the Recorder's own sums: errors by status,
// variants, compression and edge functions, ranges.
func recorderFields(r *Recorder) []*int64 {
	fs := []*int64{&r.simulated}
	for i := range r.byStatus {
		fs = append(fs, &r.byStatus[i])
	}
	e, g := &r.extras, &r.ranges
	fs = append(fs, &e.variants, &e.compBytes, &e.uncompBytes, &e.fnRuns, &e.fnCold, &e.fnTime,
		&g.requests, &g.bytes, &g.partRequests, &g.parts, &g.partHits, &g.partialHits, &g.originParts, &g.originPartRequests)
	for i := range e.compressed {
		fs = append(fs, &e.compressed[i])
	}
	return fs
}

func latencyFields(l *latencyStats) []*int64 { return []*int64{&l.n, &l.sum, &l.min, &l.max} }

// values reads the counters fs points to.
func values(fs []*int64) []int64 {
	v := make([]int64, len(fs))
	for i, f := range fs {
		v[i] = *f
	}
	return v
}

// setValues sets the counters fs points to from v, which must be as long.
func setValues(fs []*int64, v []int64, what string) error {
	if len(v) != len(fs) {
		return fmt.Errorf("%s has %d counters, want %d", what, len(v), len(fs))
	}
	for i, f := range fs {
		*f = v[i]
	}
	return nil
}

// counts is the Recorder's state.
func (r *Recorder) counts() counts {
	for i := range r.pops { // the last second's egress joins the peak (as Summary does)
		p := &r.pops[i]
		p.peak, p.secBytes = max(p.peak, p.secBytes), 0
	}
	c := counts{
		Format: countsFormat, Scenario: r.cfg.Scenario, Seed: r.cfg.Seed, Shard: r.cfg.Shard, Shards: r.cfg.Shards,
		WarmupNs: int64(r.cfg.Warmup), DurationNs: int64(r.cfg.Duration), IntervalNs: int64(r.cfg.Interval),
		POPs: r.cfg.POPs, Regions: r.cfg.Regions, Warnings: r.cfg.Warnings,
		Hist: r.hist, OriginPS: r.originPS, Bypass: r.bypass, Net: values(statsFields(&r.net)),
		Extra: values(recorderFields(r)), ResultHist: r.resultHist, Warmup: r.warmup,
	}
	for _, m := range r.cfg.Markers {
		c.Markers = append(c.Markers, markerNs{AtNs: int64(m.At), Label: m.Label})
	}
	for i := range r.bins {
		c.Bins = append(c.Bins, values(binFields(&r.bins[i])))
	}
	for i := range r.pops {
		c.POPCounts = append(c.POPCounts, append(values(popFields(&r.pops[i])), int64(r.pops[i].region)))
	}
	for i := range r.byResult {
		c.ByResult = append(c.ByResult, values(latencyFields(&r.byResult[i])))
	}
	return c
}

// config is the Config of the run c counted, as a shard (shard ≥ 0, at
// R = 1/Shards) or as the merge of all (shard −1, R = 1).
func (c *counts) config(shard int) Config {
	var ms []Marker
	for _, m := range c.Markers {
		ms = append(ms, Marker{At: sim.Time(m.AtNs), Label: m.Label})
	}
	rate := 1.0
	if shard >= 0 {
		rate = 1 / float64(c.Shards)
	}
	return Config{Scenario: c.Scenario, Seed: c.Seed, Warmup: sim.Time(c.WarmupNs), Duration: sim.Time(c.DurationNs),
		Interval: sim.Time(c.IntervalNs), POPs: c.POPs, Regions: c.Regions, Markers: ms, Warnings: c.Warnings,
		SampleRate: rate, Shard: shard, Shards: c.Shards}
}

// recorder rebuilds a Recorder from c with cfg's labels.
func (c *counts) recorder(cfg Config) (*Recorder, error) {
	r := NewRecorder(cfg)
	if len(c.Bins) != len(r.bins) || len(c.Hist) != len(r.hist) || len(c.OriginPS) != len(r.originPS) ||
		len(c.POPCounts) < len(r.pops) || len(c.ByResult) != len(r.byResult) || len(c.ResultHist) != len(r.resultHist) {
		return nil, errors.New("the counts do not fit the scenario's duration, interval, POPs or results")
	}
	for i := range r.bins {
		if err := setValues(binFields(&r.bins[i]), c.Bins[i], fmt.Sprintf("bin %d", i)); err != nil {
			return nil, err
		}
	}
	copy(r.hist, c.Hist)
	copy(r.originPS, c.OriginPS)
	copy(r.resultHist, c.ResultHist)
	r.growPOPs(len(c.POPCounts))
	for i, row := range c.POPCounts {
		if len(row) == 0 {
			return nil, fmt.Errorf("POP %d has no counters", i)
		}
		if err := setValues(popFields(&r.pops[i]), row[:len(row)-1], fmt.Sprintf("POP %d", i)); err != nil {
			return nil, err
		}
		r.pops[i].region = int32(row[len(row)-1])
	}
	for i := range r.byResult {
		if err := setValues(latencyFields(&r.byResult[i]), c.ByResult[i], fmt.Sprintf("result %d", i)); err != nil {
			return nil, err
		}
	}
	if err := setValues(statsFields(&r.net), c.Net, "network"); err != nil {
		return nil, err
	}
	if err := setValues(recorderFields(r), c.Extra, "extra"); err != nil {
		return nil, err
	}
	r.bypass, r.warmup = c.Bypass, c.Warmup
	return r, nil
}

// minOf is the smaller sample of a and b where −1 means none.
func minOf(a, b int64) int64 {
	if a < 0 || (b >= 0 && b < a) {
		return b
	}
	return a
}

// addShard adds the counters of u, another shard of the same run, into r.
func (r *Recorder) addShard(u *Recorder) {
	for i := range r.bins {
		r.bins[i].add(&u.bins[i])
	}
	for i, v := range u.hist {
		r.hist[i] += v
	}
	for i, v := range u.originPS {
		r.originPS[i] += v
	}
	for i, v := range u.resultHist {
		r.resultHist[i] += v
	}
	r.growPOPs(len(u.pops))
	for i := range u.pops {
		p, q := &r.pops[i], &u.pops[i]
		pf, qf := popFields(p), popFields(q)
		for j := range pf {
			*pf[j] += *qf[j]
		}
		if p.region < 0 {
			p.region = q.region
		}
	}
	for i := range r.byResult {
		a, b := &r.byResult[i], &u.byResult[i]
		a.n, a.sum, a.min, a.max = a.n+b.n, a.sum+b.sum, minOf(a.min, b.min), max(a.max, b.max)
	}
	for i, v := range u.bypass {
		r.bypass[i] += v
	}
	paths := max(r.net.InvalidationPaths, u.net.InvalidationPaths)
	rf, uf := statsFields(&r.net), statsFields(&u.net)
	for i := range rf {
		*rf[i] += *uf[i]
	}
	r.net.InvalidationPaths = paths
	rx, ux := recorderFields(r), recorderFields(u)
	for i := range rx {
		*rx[i] += *ux[i]
	}
	r.warmup += u.warmup
}

// MergeError is bad input to MergeShards: shards of different runs, a
// shard missing or given twice, a directory without counts. The CLI exits
// with status 2 on it.
type MergeError struct {
	Path string // the file at fault, "" when it is the set of shards
	Msg  string
}

func (e *MergeError) Error() string {
	if e.Path == "" {
		return "merge: " + e.Msg
	}
	return "merge: " + e.Path + ": " + e.Msg
}

// Spread is how a figure varies between shards: each shard's full-scale
// estimate of it, over the N shards where it is defined (a hit ratio of a
// tier no request of the shard reached is not); all zero when N is 0.
type Spread struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	Stddev float64 `json:"stddev"` // sample standard deviation (n − 1)
}

// ShardSpread is the spread between the shards of a merged run, per
// figure: a shard is a miniature at R = 1/K, so the spread shows how far a
// miniature of that rate strays, and how uneven the hash split is.
type ShardSpread struct {
	Shards               int    `json:"shards"`
	EdgeHitRatio         Spread `json:"edge_hit_ratio"`
	EdgeByteHitRatio     Spread `json:"edge_byte_hit_ratio"`
	RegionalHitRatio     Spread `json:"regional_hit_ratio"`
	RegionalByteHitRatio Spread `json:"regional_byte_hit_ratio"`
	OriginOffload        Spread `json:"origin_offload"` // in requests
	OriginMeanRPS        Spread `json:"origin_mean_rps"`
	Requests             Spread `json:"requests"`
}

// spreadOf is the Spread of xs, NaN (undefined) values left out.
func spreadOf(xs []float64) Spread {
	xs = slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
	if len(xs) == 0 {
		return Spread{}
	}
	s := Spread{N: len(xs), Min: slices.Min(xs), Max: slices.Max(xs)}
	for _, x := range xs {
		s.Mean += x
	}
	s.Mean /= float64(len(xs))
	if len(xs) > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.Stddev = math.Sqrt(ss / float64(len(xs)-1))
	}
	return s
}

// readCounts reads dir's CountsFile.
func readCounts(dir string) (*counts, error) {
	path := filepath.Join(dir, CountsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &MergeError{Path: path, Msg: "no such file: is " + dir + " the output of a shard (run --shard I/K)?"}
		}
		return nil, err
	}
	var c counts
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, &MergeError{Path: path, Msg: err.Error()}
	}
	if c.Format != countsFormat {
		return nil, &MergeError{Path: path, Msg: fmt.Sprintf("format %d, this cdnsim reads %d", c.Format, countsFormat)}
	}
	if c.Shards < 1 || c.Shard < 0 || c.Shard >= c.Shards {
		return nil, &MergeError{Path: path, Msg: fmt.Sprintf("not a shard (shard %d of %d)", c.Shard, c.Shards)}
	}
	return &c, nil
}

// MergeShards adds up the shards of one run, whose output directories
// are dirs, into a full-scale Recorder: its summary, time series and plots
// are those of the whole run's objects (counts the sums of the shards',
// the origin peak that of the summed per-second series, percentiles from
// the summed histograms), with the spread between the shards. The shards
// must be of the same scenario, seed, shard count, duration and interval,
// each exactly once; else a *MergeError.
func MergeShards(dirs []string) (*Recorder, error) {
	if len(dirs) == 0 {
		return nil, &MergeError{Msg: "no shard directories"}
	}
	var all []*counts
	seen := map[int]string{}
	for _, d := range dirs {
		c, err := readCounts(d)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(d, CountsFile)
		if len(all) > 0 {
			a := all[0]
			for _, m := range []struct {
				what      string
				got, want any
			}{
				{"scenario", c.Scenario, a.Scenario}, {"seed", c.Seed, a.Seed}, {"shard count", c.Shards, a.Shards},
				{"warm-up", sim.Time(c.WarmupNs), sim.Time(a.WarmupNs)},
				{"duration", sim.Time(c.DurationNs), sim.Time(a.DurationNs)}, {"interval", sim.Time(c.IntervalNs), sim.Time(a.IntervalNs)},
				{"POPs", len(c.POPCounts), len(a.POPCounts)},
			} {
				if m.got != m.want {
					return nil, &MergeError{Path: path, Msg: fmt.Sprintf("%s %v, but %s has %v: shards of different runs", m.what, m.got, filepath.Join(dirs[0], CountsFile), m.want)}
				}
			}
		}
		if prev, ok := seen[c.Shard]; ok {
			return nil, &MergeError{Path: path, Msg: fmt.Sprintf("shard %d/%d again (also in %s)", c.Shard, c.Shards, prev)}
		}
		seen[c.Shard] = d
		all = append(all, c)
	}
	k := all[0].Shards
	if len(all) != k {
		var missing []int
		for i := range k {
			if _, ok := seen[i]; !ok {
				missing = append(missing, i)
			}
		}
		return nil, &MergeError{Msg: fmt.Sprintf("%d of %d shards given; missing %v", len(all), k, missing)}
	}

	// In shard order, so that the order of dirs changes nothing.
	slices.SortFunc(all, func(a, b *counts) int { return a.Shard - b.Shard })
	var edge, edgeB, reg, regB, offload, rps, reqs []float64
	var sum *Recorder
	for _, c := range all {
		r, err := c.recorder(c.config(c.Shard))
		if err != nil {
			return nil, &MergeError{Path: filepath.Join(seen[c.Shard], CountsFile), Msg: err.Error()}
		}
		s := r.Summary()
		edge, edgeB = append(edge, s.Tiers.Edge.HitRatio.Float()), append(edgeB, s.Tiers.Edge.ByteHitRatio.Float())
		reg, regB = append(reg, s.Tiers.Regional.HitRatio.Float()), append(regB, s.Tiers.Regional.ByteHitRatio.Float())
		offload, rps = append(offload, s.OriginOffload.Requests.Float()), append(rps, s.Tiers.Origin.MeanRPS)
		reqs = append(reqs, float64(s.Requests))
		if sum == nil {
			sum = NewRecorder(c.config(-1))
		}
		sum.addShard(r)
	}
	sum.spread = &ShardSpread{Shards: k, EdgeHitRatio: spreadOf(edge), EdgeByteHitRatio: spreadOf(edgeB),
		RegionalHitRatio: spreadOf(reg), RegionalByteHitRatio: spreadOf(regB), OriginOffload: spreadOf(offload),
		OriginMeanRPS: spreadOf(rps), Requests: spreadOf(reqs)}
	return sum, nil
}
