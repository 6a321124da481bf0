package report

import (
	"fmt"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// Summary is the whole-run result, as written to summary.json. Field order
// is the JSON key order and is part of the format: scripts read it. The
// README's section "Outputs: every field" gives each field's formula.
type Summary struct {
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	// SampleRate is the share of the objects the run simulated (1: all).
	// Below 1 the run is a miniature and every count and rate here and in
	// timeseries.csv is a full-scale estimate (the miniature's count / R);
	// ratios and latencies are as measured.
	SampleRate float64 `json:"sample_rate"`
	// Shard is "I/K" for shard I of K (a miniature at R = 1/K), "K shards"
	// for their merge, "" otherwise.
	Shard string `json:"shard,omitempty"`
	// SampleClassRates are, for a sample, the classes it kept at a rate
	// above its own (their objects large against its smallest cache; see
	// Config.ClassRates), by name; left out when there are none.
	SampleClassRates map[string]float64 `json:"sample_class_rates,omitempty"`
	// SampleExcess is, for a sample (not a shard), the requests and bytes
	// added to the edge's hits to adjust for the popular objects the
	// sample held more or less of than its share, and spread over POPs
	// and timeseries.csv's rows (adjust.go); left out otherwise.
	SampleExcess *SampleExcess `json:"sample_excess,omitempty"`
	Requests     int64         `json:"requests"` // viewer requests in the measured period
	Bytes        int64         `json:"bytes"`    // body bytes delivered to viewers
	// WarmupS is the simulated time before the measured period (s): the
	// caches filled during it and nothing of it is counted.
	WarmupS   float64 `json:"warmup_s"`
	DurationS float64 `json:"duration_s"` // the measured period
	// Partial is true for a run interrupted before its end, whose figures
	// cover its first SimulatedUntilS seconds (then also DurationS); both
	// are left out of a complete run's summary.
	Partial         bool    `json:"partial,omitempty"`
	SimulatedUntilS float64 `json:"simulated_until_s,omitempty"`
	IntervalS       float64 `json:"interval_s"` // timeseries.csv bin width
	// Warnings are things about the run a user should know (topology
	// checks); never nil, so it is [] in JSON.
	Warnings []string `json:"warnings"`
	// Undefined gives the reason of each undefined (null) ratio of
	// origin_offload and tiers, keyed by its path ("tiers.shield" for
	// both of a tier's ratios); left out when every one is defined.
	Undefined map[string]string `json:"undefined,omitempty"`
	// OriginOffload is the share of viewer traffic the CDN kept from the
	// origin: 1 − origin / viewer, in requests and in bytes.
	OriginOffload Offload       `json:"origin_offload"`
	Flows         Flows         `json:"flows"`
	Tiers         Tiers         `json:"tiers"`
	Bypass        Bypass        `json:"bypass"`
	Invalidations Invalidations `json:"invalidations"`
	Errors        Errors        `json:"errors"`
	Revalidations Revalidations `json:"revalidations"`
	Ranges        *RangeSummary `json:"ranges,omitempty"` // only when there were range requests or parts
	Latency       Latency       `json:"latency_ms"`
	// CacheKeys, Compression and EdgeFunctions are present only when a
	// behaviour's cache key split requests into variants, it compressed,
	// or it ran edge functions.
	CacheKeys     *CacheKeys     `json:"cache_keys,omitempty"`
	Compression   *Compression   `json:"compression,omitempty"`
	EdgeFunctions *EdgeFunctions `json:"edge_functions,omitempty"`
	POPs          []POPSummary   `json:"pops"` // in Config.POPs order
	Markers       []MarkerJSON   `json:"markers"`
	// ShardSpread is, for a merge of shards, how the shards' own
	// estimates varied.
	ShardSpread *ShardSpread `json:"shard_spread,omitempty"`
}

// Offload is origin offload: 1 − origin requests / viewer requests, and
// the same in body bytes.
type Offload struct {
	Requests Ratio `json:"requests"`
	Bytes    Ratio `json:"bytes"`
}

// Flow is the traffic over one hop: requests sent and the body bytes that
// came back.
type Flow struct {
	Requests int64 `json:"requests"`
	Bytes    int64 `json:"bytes"`
}

// Flows is the traffic between the nodes of the CDN. Every request that
// reached a POP travelled ViewerEdge; from there each request goes over
// at most one flow out of each node.
type Flows struct {
	ViewerEdge     Flow `json:"viewer_edge"`
	EdgeRegional   Flow `json:"edge_regional"`
	EdgeOrigin     Flow `json:"edge_origin"` // bypassed requests, and misses of origins that skip the regional tier
	RegionalOrigin Flow `json:"regional_origin"`
	RegionalShield Flow `json:"regional_shield"`
	ShieldOrigin   Flow `json:"shield_origin"`
}

// Bypass counts requests that skipped a tier, by reason: methods that are
// never cached (POST, PUT, ...) and dynamic behaviours go from the POP to the
// origin; origin bypasses skip only the regional tier.
type Bypass struct {
	Method  int64 `json:"method"`
	Dynamic int64 `json:"dynamic"`
	Origin  int64 `json:"origin"`
}

// Invalidations counts invalidation paths submitted and cached copies they
// removed (an object removed from a POP and its regional cache counts 2).
type Invalidations struct {
	Paths   int64 `json:"paths"`
	Objects int64 `json:"objects"`
}

// Errors counts viewer requests answered with a 5xx (origin errors,
// outages, cached error responses, POPs that were down), those whose
// error was hidden by serving a stale copy (stale-if-error), and those
// DNS sent to a POP that was down (they reached no cache).
//
// Served4xx counts the 4xx answers (an origin's 404s and 403s, passed on
// or from a cached error), ByStatus every error answer by its status,
// NegativeCacheHits the requests answered from a cached error response at
// any tier (the sum of the tiers' cached_errors), and Failovers the origin
// fetches an origin group sent on to its secondary origin.
type Errors struct {
	Served5xx         int64            `json:"5xx_served"`
	StaleServed       int64            `json:"stale_served"`
	POPDown           int64            `json:"pop_down"`
	Served4xx         int64            `json:"4xx_served"`
	ByStatus          map[string]int64 `json:"by_status"`
	NegativeCacheHits int64            `json:"negative_cache_hits"`
	Failovers         int64            `json:"failovers"`
}

// Revalidations counts conditional requests sent upstream for stale copies,
// the 304s that answered them (summed over hops) and the body bytes those
// 304s did not transfer.
type Revalidations struct {
	Sent        int64 `json:"sent"`
	NotModified int64 `json:"304s"`
	BytesSaved  int64 `json:"bytes_saved"`
}

// Connections are the origin connection figures: a cold connection pays TCP
// and TLS handshakes before the request.
type Connections struct {
	Opened           int64   `json:"opened"`
	Reused           int64   `json:"reused"`
	ReuseRatio       Ratio   `json:"reuse_ratio"`
	HandshakeMsTotal float64 `json:"handshake_ms_total"`
}

// Tiers holds the per-tier figures.
type Tiers struct {
	Edge     TierSummary   `json:"edge"`
	Regional TierSummary   `json:"regional"`
	Shield   TierSummary   `json:"shield"`
	Origin   OriginSummary `json:"origin"`
}

// TierSummary is what one cache tier did with the requests that reached
// it, and only those: the regional tier counts the edge → regional flow,
// not the bypassed requests that went from the POP to the origin.
// Requests = Hits + RefreshHits + Misses + Errors + Collapsed + Bypass,
// and, answered in one of four ways,
// Requests = FromCache + Upstream + Collapsed + CachedErrors.
// HitRatio follows CloudFront's CacheHitRate: Hits / (Hits + RefreshHits +
// Misses + Collapsed), the cacheable requests (bypassed requests and
// errors are not cacheable); ByteHitRatio is the same in body bytes sent
// downstream.
type TierSummary struct {
	Requests     int64 `json:"requests"`
	Hits         int64 `json:"hits"`
	RefreshHits  int64 `json:"refresh_hits"`
	Misses       int64 `json:"misses"`
	Errors       int64 `json:"errors"`
	Collapsed    int64 `json:"collapsed"` // joined a fetch already in flight at this tier
	Bypass       int64 `json:"bypass"`    // passed through uncached (the edge only)
	FromCache    int64 `json:"from_cache"`
	Upstream     int64 `json:"upstream"` // sent on to the next tier or the origin
	CachedErrors int64 `json:"cached_errors"`
	HitRatio     Ratio `json:"hit_ratio"`
	Bytes        int64 `json:"bytes"` // body bytes the tier sent downstream
	HitBytes     int64 `json:"hit_bytes"`
	BypassBytes  int64 `json:"bypass_bytes"`
	ByteHitRatio Ratio `json:"byte_hit_ratio"`
}

// OriginSummary is the load the CDN put on its origins.
type OriginSummary struct {
	Requests int64 `json:"requests"` // fetches sent to an origin (collapsed waiters excluded)
	Bytes    int64 `json:"bytes"`    // body bytes of those fetches
	// PeakRPS is the largest number of origin fetches started within one
	// whole second of virtual time ([k s, k+1 s) bins), i.e. a 1-second peak,
	// not a per-interval mean.
	PeakRPS float64 `json:"peak_rps"`
	// PeakAtS is the start (seconds) of the first second that reached PeakRPS.
	PeakAtS     float64     `json:"peak_at_s"`
	MeanRPS     float64     `json:"mean_rps"` // Requests / duration
	Connections Connections `json:"connections"`
}

// Latency is viewer time to first byte over the run, in milliseconds.
// Percentiles come from a log-spaced histogram (40 buckets a decade) and
// are within ~3% of the exact value; mean and max are exact. ByResult
// gives the same by the edge's result (CloudFront's result types, with
// Collapsed and Bypass apart; a request to a POP that was down is an
// Error); a result no request had is left out.
type Latency struct {
	P50      float64                  `json:"ttfb_p50"`
	P95      float64                  `json:"ttfb_p95"`
	P99      float64                  `json:"ttfb_p99"`
	Mean     float64                  `json:"ttfb_mean"`
	Max      float64                  `json:"ttfb_max"`
	ByResult map[string]ResultLatency `json:"by_result"`
}

// ResultLatency is the TTFB of the requests of one result type (ms).
type ResultLatency struct {
	Requests int64   `json:"requests"`
	P50      float64 `json:"ttfb_p50"`
	P95      float64 `json:"ttfb_p95"`
	P99      float64 `json:"ttfb_p99"`
	Mean     float64 `json:"ttfb_mean"`
}

// POPSummary is one POP's edge figures; HitRatio is defined as the edge
// tier's.
type POPSummary struct {
	Name     string `json:"name"`
	Region   string `json:"region"` // "" if the POP saw no requests
	Requests int64  `json:"requests"`
	Hits     int64  `json:"hits"`
	HitRatio Ratio  `json:"hit_ratio"`
	Bytes    int64  `json:"bytes"`
	// EgressPeakGbps is the most the POP sent viewers in one whole second
	// ([k s, k+1 s) of measured time, a response counted in the second it
	// arrived in), in Gbit/s.
	EgressPeakGbps float64 `json:"egress_peak_gbps"`
	// Steered counts requests DNS sent here past a nearer POP whose
	// egress was above its capacity.
	Steered int64 `json:"steered"`
}

// MarkerJSON is a Marker as summary.json lists it.
type MarkerJSON struct {
	AtS   float64 `json:"at_s"`
	Label string  `json:"label"`
}

// totals sums the bins and the per-interval histograms.
func (r *Recorder) totals() (b bin, hist [nBuckets]uint64) {
	b.ttfbMin = -1
	for i := range r.bins {
		b.add(&r.bins[i])
		for j, c := range r.hist[i*nBuckets : (i+1)*nBuckets] {
			hist[j] += uint64(c)
		}
	}
	return b, hist
}

// add sums x's counters into b (the extremes as extremes).
func (b *bin) add(x *bin) {
	b.requests += x.requests
	b.bytes += x.bytes
	for t := range b.tiers {
		b.tiers[t].merge(&x.tiers[t])
	}
	for f := range b.flows {
		b.flows[f].Requests += x.flows[f].Requests
		b.flows[f].Bytes += x.flows[f].Bytes
	}
	b.errors5xx += x.errors5xx
	b.errors4xx += x.errors4xx
	b.staleServed += x.staleServed
	b.popDown += x.popDown
	b.failovers += x.failovers
	b.ttfbSum += x.ttfbSum
	b.ttfbMin = minOf(b.ttfbMin, x.ttfbMin)
	b.ttfbMax = max(b.ttfbMax, x.ttfbMax)
}

func tierSummary(t *tierCount) TierSummary {
	s := TierSummary{
		Requests:     t.requests(),
		Hits:         t.results[topology.Hit],
		RefreshHits:  t.results[topology.RefreshHit],
		Misses:       t.results[topology.Miss],
		Errors:       t.results[topology.Error],
		Collapsed:    t.results[topology.Collapsed],
		Bypass:       t.results[topology.Bypass],
		FromCache:    t.fromCache,
		Upstream:     t.upstream,
		CachedErrors: t.cachedErrors,
		HitRatio:     t.hitRatio(),
		HitBytes:     t.bytes[topology.Hit],
		BypassBytes:  t.bytes[topology.Bypass],
		ByteHitRatio: t.byteHitRatio(),
	}
	for _, b := range t.bytes {
		s.Bytes += b
	}
	return s
}

// nsToMs converts nanoseconds to milliseconds.
func nsToMs(ns float64) float64 { return ns / float64(sim.Millisecond) }

func flow(c topology.FlowCount) Flow { return Flow{Requests: c.Requests, Bytes: c.Bytes} }

// Summary computes the whole-run figures. It may be called at any time,
// and more than once.
func (r *Recorder) Summary() Summary {
	t, hist := r.totals()
	originReqs, originBytes := t.origin()
	edge := &t.tiers[topology.TierEdge]
	s := Summary{
		Scenario:         r.cfg.Scenario,
		Seed:             r.cfg.Seed,
		SampleRate:       r.cfg.rate(),
		Shard:            r.cfg.shardLabel(),
		SampleClassRates: r.cfg.classRates(),
		Requests:         t.requests,
		Bytes:            t.bytes,
		WarmupS:          r.cfg.Warmup.Seconds(),
		DurationS:        r.cfg.Duration.Seconds(),
		Partial:          r.partial,
		IntervalS:        r.cfg.Interval.Seconds(),
		Warnings:         append([]string{}, r.cfg.Warnings...),
		OriginOffload: Offload{
			Requests: complement(originReqs, t.requests),
			Bytes:    complement(originBytes, t.bytes),
		},
		Flows: Flows{
			ViewerEdge:     Flow{Requests: edge.requests(), Bytes: t.bytes},
			EdgeRegional:   flow(t.flows[topology.EdgeRegional]),
			EdgeOrigin:     flow(t.flows[topology.EdgeOrigin]),
			RegionalOrigin: flow(t.flows[topology.RegionalOrigin]),
			RegionalShield: flow(t.flows[topology.RegionalShield]),
			ShieldOrigin:   flow(t.flows[topology.ShieldOrigin]),
		},
		Tiers: Tiers{
			Edge:     tierSummary(edge),
			Regional: tierSummary(&t.tiers[topology.TierRegional]),
			Shield:   tierSummary(&t.tiers[topology.TierShield]),
			Origin: OriginSummary{
				Requests: originReqs,
				Bytes:    originBytes,
				MeanRPS:  float64(originReqs) / r.cfg.Duration.Seconds(),
				Connections: Connections{
					Opened:           r.net.ConnectionsOpened,
					Reused:           r.net.ConnectionsReused,
					ReuseRatio:       NewRatio(r.net.ConnectionsReused, r.net.ConnectionsOpened+r.net.ConnectionsReused),
					HandshakeMsTotal: r.net.HandshakeTime.Milliseconds(),
				},
			},
		},
		Invalidations: Invalidations{Paths: r.net.InvalidationPaths, Objects: r.net.InvalidatedObjects},
		Errors: Errors{Served5xx: t.errors5xx, StaleServed: t.staleServed, POPDown: t.popDown,
			Served4xx: t.errors4xx, ByStatus: map[string]int64{}, Failovers: t.failovers},
		Revalidations: Revalidations{Sent: r.net.Revalidations, NotModified: r.net.NotModified, BytesSaved: r.net.BytesSaved},
		Bypass: Bypass{
			Method:  r.bypass[topology.BypassMethod],
			Dynamic: r.bypass[topology.BypassDynamic],
			Origin:  r.bypass[topology.BypassOrigin],
		},
		Ranges:  r.ranges.summary(originReqs),
		POPs:    make([]POPSummary, len(r.pops)),
		Markers: make([]MarkerJSON, len(r.cfg.Markers)),
	}
	for i, c := range r.byStatus {
		if c > 0 {
			s.Errors.ByStatus[fmt.Sprint(minErrorStatus+i)] = c
		}
	}
	for tier := range t.tiers {
		s.Errors.NegativeCacheHits += t.tiers[tier].cachedErrors
	}
	peak, at := int32(0), 0
	for i, c := range r.originPS {
		if c > peak {
			peak, at = c, i
		}
	}
	r.extras.fill(&s)
	s.Tiers.Origin.PeakRPS = float64(peak)
	s.Tiers.Origin.PeakAtS = float64(at)

	s.Latency.ByResult = map[string]ResultLatency{}
	if t.requests > 0 {
		n := uint64(t.requests)
		s.Latency.P50 = nsToMs(quantile(hist[:], n, t.ttfbMin, t.ttfbMax, 0.50))
		s.Latency.P95 = nsToMs(quantile(hist[:], n, t.ttfbMin, t.ttfbMax, 0.95))
		s.Latency.P99 = nsToMs(quantile(hist[:], n, t.ttfbMin, t.ttfbMax, 0.99))
		s.Latency.Mean = nsToMs(float64(t.ttfbSum) / float64(t.requests))
		s.Latency.Max = nsToMs(float64(t.ttfbMax))
	}
	for res := range topology.NumResults {
		ls := &r.byResult[res]
		if ls.n == 0 {
			continue
		}
		h := r.resultHist[int(res)*nBuckets : int(res+1)*nBuckets]
		n := uint64(ls.n)
		s.Latency.ByResult[res.String()] = ResultLatency{
			Requests: ls.n,
			P50:      nsToMs(quantile(h, n, ls.min, ls.max, 0.50)),
			P95:      nsToMs(quantile(h, n, ls.min, ls.max, 0.95)),
			P99:      nsToMs(quantile(h, n, ls.min, ls.max, 0.99)),
			Mean:     nsToMs(float64(ls.sum) / float64(ls.n)),
		}
	}
	for i := range r.pops {
		p := &r.pops[i]
		var reqs int64
		for _, c := range p.results {
			reqs += c
		}
		ps := POPSummary{
			Name:     r.popName(i),
			Requests: reqs,
			Hits:     p.results[topology.Hit],
			HitRatio: NewRatio(p.results[topology.Hit], p.cacheable()),
			Bytes:    p.bytes,
			// bytes a second → Gbit/s
			EgressPeakGbps: float64(max(p.peak, p.secBytes)) * 8 / 1e9,
			Steered:        p.steered,
		}
		if p.region >= 0 {
			ps.Region = r.regionName(int(p.region))
		}
		s.POPs[i] = ps
	}
	for i, m := range r.cfg.Markers {
		s.Markers[i] = MarkerJSON{AtS: m.At.Seconds(), Label: m.Label}
	}
	if r.partial {
		s.SimulatedUntilS = s.DurationS
	}
	if nothingServed(s.Requests, s.Errors.Served5xx, originReqs) {
		s.OriginOffload.Requests = Ratio{}
	}
	s.explainUndefined()
	if r.cfg.rate() != 1 {
		f := r.cfg.factor()
		s.scale(f)
		if x, ok := r.excess(f); ok {
			r.adjust(&s, x, f)
			s.Warnings = append(s.Warnings, r.sampleWarnings(f)...)
		}
	}
	s.ShardSpread = r.spread
	return s
}

func (r *Recorder) popName(i int) string {
	if i < len(r.cfg.POPs) {
		return r.cfg.POPs[i]
	}
	return fmt.Sprintf("pop-%d", i)
}

func (r *Recorder) regionName(i int) string {
	if i < len(r.cfg.Regions) {
		return r.cfg.Regions[i]
	}
	return fmt.Sprintf("region-%d", i)
}
