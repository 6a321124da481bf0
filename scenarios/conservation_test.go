package scenarios

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/topology/cache"
)

// checkConservation asserts the accounting of a finished run at every node
// of the CDN: each tier is reached exactly by the flows into it, answers
// every request it gets in one of four ways (from its cache, upstream, by
// joining a fetch in flight, from a cached error), and sends upstream
// exactly the flows out of it; the origin gets what the flows into it
// carry; and the flows the recorder saw in the Outcomes are those the
// network counted where the path sends them.
func checkConservation(t *testing.T, r *Run) {
	t.Helper()
	s := r.Recorder.Summary()
	st := r.Network.Stats
	f := s.Flows
	e, g, h, o := s.Tiers.Edge, s.Tiers.Regional, s.Tiers.Shield, s.Tiers.Origin
	for _, tier := range []struct {
		name    string
		t       report.TierSummary
		in, out report.Flow
	}{
		{"edge", e, f.ViewerEdge, sum(f.EdgeRegional, f.EdgeOrigin)},
		{"regional", g, f.EdgeRegional, sum(f.RegionalOrigin, f.RegionalShield)},
		{"shield", h, f.RegionalShield, f.ShieldOrigin},
	} {
		x := tier.t
		if x.Requests != tier.in.Requests || x.Bytes != tier.in.Bytes {
			t.Errorf("%s: %d requests (%d B), the flow into it %+v", tier.name, x.Requests, x.Bytes, tier.in)
		}
		if x.Hits+x.RefreshHits+x.Misses+x.Errors+x.Collapsed+x.Bypass != x.Requests {
			t.Errorf("%s: results do not add up to its %d requests: %+v", tier.name, x.Requests, x)
		}
		if x.FromCache+x.Upstream+x.Collapsed+x.CachedErrors != x.Requests {
			t.Errorf("%s: in %d != from cache %d + upstream %d + collapsed %d + cached errors %d",
				tier.name, x.Requests, x.FromCache, x.Upstream, x.Collapsed, x.CachedErrors)
		}
		if x.Upstream != tier.out.Requests {
			t.Errorf("%s: sent %d upstream, the flows out of it %+v", tier.name, x.Upstream, tier.out)
		}
	}
	if toOrigin := sum(f.EdgeOrigin, f.RegionalOrigin, f.ShieldOrigin); o.Requests != toOrigin.Requests || o.Bytes != toOrigin.Bytes {
		t.Errorf("origin %d requests (%d B), the flows into it %+v", o.Requests, o.Bytes, toOrigin)
	}
	if s.Requests != f.ViewerEdge.Requests+s.Errors.POPDown || s.Errors.POPDown != st.DeadPOPRequests {
		t.Errorf("%d requests != %d that reached a POP + %d to POPs that were down (network: %d)",
			s.Requests, f.ViewerEdge.Requests, s.Errors.POPDown, st.DeadPOPRequests)
	}
	for i, got := range []report.Flow{f.EdgeRegional, f.EdgeOrigin, f.RegionalOrigin, f.RegionalShield, f.ShieldOrigin} {
		if want := st.Flows[i]; got.Requests != want.Requests || got.Bytes != want.Bytes {
			t.Errorf("flow %v: the outcomes say %+v, the network counted %+v", topology.Flow(i), got, want)
		}
	}
	// A request served in parts fetches each part on its own; each attempt
	// takes a connection: a retry after a failed attempt and a failover's
	// fetch from the secondary take one more each.
	want := o.Requests
	if s.Ranges != nil {
		want = s.Ranges.OriginFetches
	}
	if fetches := st.ConnectionsOpened + st.ConnectionsReused; want+st.Retries+st.Failovers != fetches {
		t.Errorf("origin fetches: %d by the outcomes + %d retries + %d failovers, %d connections taken", want, st.Retries, st.Failovers, fetches)
	}
	// timeseries.csv's counts add up to summary.json's (a miniature's rows
	// are rounded one by one, so only at sample rate 1).
	if s.SampleRate != 1 {
		return
	}
	ts := r.Recorder.TimeseriesCSV()
	for _, c := range []struct {
		column string
		want   int64
	}{
		{"requests", s.Requests}, {"origin_requests", o.Requests}, {"errors_5xx", s.Errors.Served5xx},
		{"stale_served", s.Errors.StaleServed}, {"errors_4xx", s.Errors.Served4xx},
		{"negative_cache_hits", s.Errors.NegativeCacheHits}, {"failovers", s.Errors.Failovers},
	} {
		var got float64
		for _, v := range column(t, ts, c.column) {
			got += v
		}
		if got != float64(c.want) {
			t.Errorf("timeseries.csv's %s add up to %v, summary.json has %d", c.column, got, c.want)
		}
	}
}

func sum(fs ...report.Flow) report.Flow {
	var t report.Flow
	for _, f := range fs {
		t.Requests += f.Requests
		t.Bytes += f.Bytes
	}
	return t
}

// shortBuiltin shortens a built-in scenario to an hour or less with its
// story in it (spikes, invalidations and outages moved into the hour),
// after a 30-minute warm-up.
var shortBuiltin = map[string][]string{
	"news-spike": {"warmup=30m", "workload.duration=1h", "workload.spikes[0].at=15m", "invalidations[0].at=40m"},
	"origin-outage": {"warmup=30m", "workload.duration=1h", "pops.outages[0].start=5m", "pops.outages[0].end=15m",
		"origins[0].outages[0].start=25m", "origins[0].outages[0].end=45m"},
	"software-release": {"warmup=30m", "workload.duration=30m", "workload.spikes[0].at=25m"},
	"steady-web":       {"warmup=30m", "workload.duration=1h"},
	"video-vod":        {"warmup=30m", "workload.duration=1h"},
	// A thousandth of the day's rates, over 10 minutes with the update in
	// them: its whole topology, 30 k requests.
	"cloudfront-day": append([]string{"warmup=10m", "workload.duration=10m", "workload.spikes[0].at=5m"}, cloudfrontThousandth...),
}

// cloudfrontThousandth divides cloudfront-day's rates by a thousand.
var cloudfrontThousandth = []string{"workload.classes[0].rate=1", "workload.classes[1].birth_rate=350",
	"workload.classes[2].birth_rate=60", "workload.classes[3].rate=0.1", "workload.classes[4].rate=0.5",
	"workload.classes[5].birth_rate=3", "workload.spikes[0].volume=3000"}

// run loads scenario name (a path or a built-in) with --set overrides
// and simulates it to the end with its own seed.
func run(name string, sets ...string) (*Run, error) {
	s, err := Load(name, sets)
	if err != nil {
		return nil, err
	}
	r, err := s.NewRun(s.Seed)
	if err != nil {
		return nil, err
	}
	r.Simulate(nil)
	return r, nil
}

// simulate is run for a test.
func simulate(t *testing.T, name string, sets ...string) *Run {
	t.Helper()
	r, err := run(name, sets...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runs caches simulations more than one test reads, by scenario and
// --set overrides.
var runs sync.Map // key → func() (*Run, error)

// sharedRun simulates scenario name with --set overrides sets, once per
// test binary for each.
func sharedRun(t *testing.T, name string, sets ...string) *Run {
	t.Helper()
	key := name + "\x00" + strings.Join(sets, "\x00")
	f, _ := runs.LoadOrStore(key, sync.OnceValues(func() (*Run, error) { return run(name, sets...) }))
	r, err := f.(func() (*Run, error))()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// longBuiltin is each built-in scenario as the tests without -short run
// it: news-spike as written (its day after a day of warm-up), the others
// over their story's hours after a shorter warm-up, to keep the suite's
// time; each run is shared with the test that checks its story.
var longBuiltin = map[string][]string{
	"news-spike":       nil,
	"origin-outage":    {"workload.duration=20h", "warmup=2h"},
	"software-release": {"workload.duration=18h", "warmup=1h"},
	"steady-web":       {"workload.duration=6h", "warmup=1h"},
	"video-vod":        {"workload.duration=12h", "warmup=2h"},
	"cloudfront-day":   append([]string{"workload.duration=3h", "warmup=1h", "workload.spikes[0].at=1h"}, cloudfrontThousandth...),
}

// TestConservationInEveryBuiltin checks the accounting of every built-in
// scenario, shortened to an hour with its events in it; without -short,
// as longBuiltin runs it.
func TestConservationInEveryBuiltin(t *testing.T) {
	t.Parallel()
	names := Builtins()
	for name := range shortBuiltin {
		if !slices.Contains(names, name) {
			t.Errorf("shortBuiltin names %s, which is not built in", name)
		}
	}
	for name := range longBuiltin {
		if !slices.Contains(names, name) {
			t.Errorf("longBuiltin names %s, which is not built in", name)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !testing.Short() {
				sets, ok := longBuiltin[name]
				if !ok {
					t.Fatalf("no long form of %s in longBuiltin", name)
				}
				r := sharedRun(t, name, sets...)
				checkConservation(t, r)
				if s := r.Recorder.Summary(); s.Tiers.Edge.Hits == 0 || s.Tiers.Regional.Hits == 0 {
					t.Errorf("degenerate run: %+v", s.Tiers)
				}
				return
			}
			sets, ok := shortBuiltin[name]
			if !ok {
				t.Fatalf("no short form of %s in shortBuiltin", name)
			}
			checkConservation(t, simulate(t, name, sets...))
		})
	}
}

// TestConservationInRandomScenarios checks the accounting of random valid
// scenarios: random topologies with shields, origins that skip the
// regional tier, outages of POPs and origins, error rates, dynamic
// behaviours, POSTs, every freshness directive and invalidations.
func TestConservationInRandomScenarios(t *testing.T) {
	t.Parallel()
	n := 12
	if testing.Short() {
		n = 4
	}
	for seed := range uint64(n) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			runRandomScenario(t, seed)
		})
	}
}

// FuzzConservation runs random scenarios from fuzzed seeds.
func FuzzConservation(f *testing.F) {
	f.Add(uint64(100))
	f.Fuzz(func(t *testing.T, seed uint64) { runRandomScenario(t, seed) })
}

func runRandomScenario(t *testing.T, seed uint64) {
	t.Helper()
	src := randomScenario(seed)
	s, err := Parse(fmt.Sprintf("random-%d.toml", seed), []byte(src), nil)
	if err != nil {
		t.Fatalf("the generator wrote an invalid scenario: %v\n%s", err, src)
	}
	r, err := s.NewRun(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	r.Simulate(nil)
	checkConservation(t, r)
	if t.Failed() {
		t.Logf("scenario:\n%s", src)
	}
}

// randomScenario writes a random valid scenario file: 1–4 regional caches,
// 1–8 POPs, 1–3 origins (custom or S3, maybe skipping the regional tier,
// maybe shielded, with error rates, concurrency limits and outages), POP
// outages, a behaviour per class (dynamic ones, caching disabled ones,
// random TTL bounds and update intervals), classes with every kind of
// Cache-Control, POSTs and dynamic requests, and invalidations, over
// 20–40 minutes of a few requests a second.
func randomScenario(seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 0xc0ffee))
	// The error and failover keys draw from their own stream, so the
	// scenarios the other keys make stay what they were.
	rngE := rand.New(rand.NewPCG(seed, 0xfa11))
	var b strings.Builder
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	lat := func() float64 { return float64(rng.IntN(120)) - 60 }
	lon := func() float64 { return float64(rng.IntN(340)) - 170 }
	minutes := 20 + rng.IntN(21)
	at := func() string { return fmt.Sprintf("%ds", rng.IntN(minutes*60)) }
	var policies []string
	for _, p := range cache.PolicyNames() {
		if p != "belady" { // it needs the future: replay only
			policies = append(policies, p)
		}
	}
	fmt.Fprintf(&b, "name = \"random-%d\"\nseed = %d\ninterval = \"1m\"\n", seed, seed)
	fmt.Fprintf(&b, "connect_timeout = \"%ds\"\nerror_caching_ttl = \"%ds\"\n", 1+rng.IntN(5), 1+rng.IntN(20))
	if rngE.IntN(2) == 0 {
		fmt.Fprintf(&b, "error_caching_min_ttl = { 404 = \"%ds\", 503 = \"%ds\" }\n", rngE.IntN(120), 1+rngE.IntN(20))
	}
	fmt.Fprintf(&b, "[dns]\nttl = \"%ds\"\npublic_share = %.2f\npublic_resolver = { lat = %v, lon = %v }\n",
		10+rng.IntN(60), rng.Float64()*0.2, lat(), lon())

	regions := 1 + rng.IntN(4)
	fmt.Fprintf(&b, "[regions]\ncapacity = \"%dMB\"\npolicy = %q\nsites = [\n", 2+rng.IntN(64), pick(policies...))
	for g := range regions {
		fmt.Fprintf(&b, "  { name = \"r%d\", lat = %v, lon = %v },\n", g, lat(), lon())
	}
	b.WriteString("]\n")
	pops := regions + rng.IntN(5)
	fmt.Fprintf(&b, "[pops]\ncapacity = \"%dKB\"\npolicy = %q\nsites = [\n", 256+rng.IntN(8192), pick(policies...))
	for p := range pops {
		region := p % regions // every region gets a POP
		if p >= regions {
			region = rng.IntN(regions)
		}
		fmt.Fprintf(&b, "  { name = \"P%d\", lat = %v, lon = %v, region = \"r%d\", policy = %q },\n", p, lat(), lon(), region, pick(policies...))
	}
	b.WriteString("]\n")
	if rng.IntN(2) == 0 {
		start := rng.IntN(minutes * 60)
		fmt.Fprintf(&b, "outages = [ { site = \"P%d\", start = \"%ds\", end = \"%ds\" } ]\n", rng.IntN(pops), start, start+1+rng.IntN(600))
	}

	origins := 1 + rng.IntN(3)
	for i := range origins {
		fmt.Fprintf(&b, "[[origins]]\nname = \"o%d\"\nkind = %q\nlat = %v\nlon = %v\nprocessing = \"%dms\"\nprocessing_sigma = %.1f\n",
			i, pick("custom", "s3"), lat(), lon(), 5+rng.IntN(200), rng.Float64())
		if rng.IntN(3) == 0 {
			b.WriteString("bypass_regional = true\n")
		}
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "shield = \"r%d\"\n", rng.IntN(regions))
		}
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "error_rate = %.3f\n", rng.Float64()*0.05)
		}
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "concurrency = %d\nmax_connections = %d\n", 1+rng.IntN(20), 1+rng.IntN(8))
		}
		if rng.IntN(2) == 0 {
			start := rng.IntN(minutes * 60)
			fmt.Fprintf(&b, "outages = [ { start = \"%ds\", end = \"%ds\" } ]\n", start, start+1+rng.IntN(900))
		}
		if rngE.IntN(3) == 0 {
			fmt.Fprintf(&b, "connection_attempts = %d\nresponse_timeout = \"%dms\"\n", 1+rngE.IntN(3), 100+rngE.IntN(500))
		}
	}
	group := origins > 1 && rngE.IntN(2) == 0
	if group {
		fmt.Fprintf(&b, "[[origin_groups]]\nname = \"g\"\nprimary = \"o0\"\nsecondary = \"o%d\"\nfailover_on = [%s]\n",
			1+rngE.IntN(origins-1), []string{"500, 502, 503, 504", "503", "404, 403, 503, 504"}[rngE.IntN(3)])
	}

	classes := 1 + rng.IntN(4)
	ccs := []string{"public, max-age=30", "max-age=5, stale-while-revalidate=120", "max-age=10, stale-if-error=600",
		"max-age=20, stale-while-revalidate=30, stale-if-error=60", "no-cache", "no-store", "private",
		"s-maxage=40, max-age=5", "public", ""}
	for c := range classes {
		origin := fmt.Sprintf("o%d", rng.IntN(origins))
		if group && rngE.IntN(2) == 0 {
			origin = "g"
		}
		fmt.Fprintf(&b, "[[behaviors]]\npath = \"/c%d/*\"\norigin = %q\n", c, origin)
		switch rng.IntN(6) {
		case 0:
			b.WriteString("dynamic = true\n")
		case 1: // CloudFront's CachingDisabled
			b.WriteString("min_ttl = \"0s\"\ndefault_ttl = \"0s\"\nmax_ttl = \"0s\"\n")
		case 2:
			fmt.Fprintf(&b, "min_ttl = \"%ds\"\ndefault_ttl = \"60s\"\nmax_ttl = \"%ds\"\n", rng.IntN(30), 60+rng.IntN(600))
		}
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "update_interval = \"%ds\"\n", 10+rng.IntN(300))
		}
	}
	b.WriteString("[[behaviors]]\npath = \"*\"\norigin = \"o0\"\n")

	for range rng.IntN(3) {
		fmt.Fprintf(&b, "[[invalidations]]\nat = %q\npaths = [\"/c%d/*\", \"/c%d/1\"]\n", at(), rng.IntN(classes), rng.IntN(classes))
	}

	fmt.Fprintf(&b, "[workload]\nduration = \"%dm\"\nmetros = [\n", minutes)
	for m := range 2 + rng.IntN(5) {
		fmt.Fprintf(&b, "  { name = \"m%d\", lat = %v, lon = %v, weight = %d, utc_offset = 0 },\n", m, lat(), lon(), 1+rng.IntN(5))
	}
	b.WriteString("]\n")
	for c := range classes {
		fmt.Fprintf(&b, "[[workload.classes]]\nname = \"c%d\"\nprefix = \"/c%d/\"\ncache_control = %q\n", c, c, pick(ccs...))
		fmt.Fprintf(&b, "size_median = %d\nsize_sigma = %.1f\npopularity = \"zipf\"\nobjects = %d\nalpha = %.2f\nrate = %d\n",
			1000+rng.IntN(200000), rng.Float64(), 20+rng.IntN(2000), 0.6+0.6*rng.Float64(), 2+rng.IntN(10))
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "methods = [ { method = %q, share = %.2f } ]\n", pick("POST", "PUT", "OPTIONS"), 0.01+0.2*rng.Float64())
		}
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "dynamic_share = %.2f\n", 0.3*rng.Float64())
		}
		if rngE.IntN(3) == 0 {
			fmt.Fprintf(&b, "origin_errors = [ { status = 404, share = %.2f }, { status = 403, share = 0.01 } ]\n", 0.01+0.3*rngE.Float64())
		}
	}
	return b.String()
}

// column is a timeseries.csv column as numbers (an empty field, an
// undefined ratio, reads as NaN).
func column(t *testing.T, csvData []byte, name string) []float64 {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(csvData)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	c := slices.Index(rows[0], name)
	if c < 0 {
		t.Fatalf("timeseries.csv has no column %q", name)
	}
	out := make([]float64, 0, len(rows)-1)
	for _, row := range rows[1:] {
		v := math.NaN()
		if row[c] != "" {
			if v, err = strconv.ParseFloat(row[c], 64); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		out = append(out, v)
	}
	return out
}
