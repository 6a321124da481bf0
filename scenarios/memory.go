package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unsafe"

	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// The memory a run needs is estimated before it starts, so that a scenario
// that cannot fit is refused with the key to change instead of dying
// half-way with "fatal error: out of memory" (which no recover can catch).
//
// A cache's memory follows the objects it holds, not its capacity. Each
// cache receives a share of the viewer requests (a POP by DNS, taken here
// as each metro's nearest POP and the public resolver's; a regional cache
// its POPs'), sees the distinct objects that share brings (population.go),
// and holds all of them when they fit, else what the LRU
// characteristic-time approximation says fills its capacity. Around the
// caches: the generator's live decaying objects and size tables, the
// network's per-object class table and its metro × POP tables, the
// recorder's bins (one per interval) and per-second origin counts. The sum
// is the live heap; the garbage collector lets the heap grow to gcFactor
// times that between collections, on top of the runtime and the program
// (baseBytes), which is what a peak resident set measures.

// Per-entry costs, in bytes, from the structures' layouts.
const (
	// metaBytes is a Cache's freshness state per object (cache.Meta).
	metaBytes = float64(unsafe.Sizeof(cache.Meta{}))
	// liveBytes is a decaying object in the generator's live heap.
	liveBytes = 48
	// classTableBytes is a workload class's size quantile table.
	classTableBytes = (8192 + 1) * 8
	// binBytes is one recorder interval: counters and a TTFB histogram.
	binBytes = 1536
	// secondBytes is the recorder's origin count for one virtual second.
	secondBytes = 4
	// objClassBytes is the network's class byte per object ID, which grows
	// by doubling up to 2^26 IDs (then a map: mapObjBytes an object).
	objClassBytes, denseObjects, mapObjBytes = 2, 1 << 26, 48
	// pairBytes is one metro × POP (or node × origin) pair of the latency
	// and DNS tables.
	pairBytes = 8 + 2 + 8
	// baseBytes is what a run of a tiny scenario holds besides its
	// tables: the runtime, the binary's data, the plots being drawn.
	baseBytes = 24 << 20
	// gcFactor is the peak heap over the live heap: with GOGC=100 the
	// heap may double before a collection, and slices that double while
	// they grow hold old and new arrays at once. 1.4 puts the five
	// built-in scenarios (with their warm-ups) 1-10% above their peak
	// resident set under /usr/bin/time -v (1.6 put them 13-23% above).
	gcFactor = 1.4
)

// policyBytes is each eviction policy's memory per cached object (index,
// links, ghost entries, sketches), from the caching core's B/object
// benchmark (README, Performance), rounded up.
var policyBytes = map[string]float64{
	"lru": 40, "fifo": 40, "clock": 48, "sieve": 48, "lfu": 85, "arc": 96,
	"2q": 60, "s3fifo": 98, "s3fifo-1": 98, "wtinylfu": 62, "wtinylfu-cbf": 103,
	"gdsf": 70, "lhd": 457, "random": 45, "belady": 61,
}

// admissionBytes is each admission policy's memory per cached object.
var admissionBytes = map[string]float64{
	"always": 0, "max-size": 0, "prob-size": 0, "second-hit": 8, "tinylfu": 16,
}

// MemoryPart is one part of a run's estimated memory.
type MemoryPart struct {
	// Key is the setting that makes this part large ("pops.capacity",
	// "interval", "workload.classes[0].objects").
	Key   string
	What  string  // what the memory holds, for a person
	Bytes float64 // live heap
	// Objects is how many objects a tier's caches hold at most (0 for
	// parts that are not caches).
	Objects float64
}

// Memory is the estimated peak resident memory of a run: Bytes in all;
// Parts, largest first, are the live heap, which the garbage collector
// lets grow by gcFactor, on top of Base.
type Memory struct {
	Bytes float64
	Base  float64
	Parts []MemoryPart
}

// cacheBytes is one cache's memory when it holds n objects.
func cacheBytes(spec topology.CacheSpec, n float64) float64 {
	p, ok := policyBytes[strings.ToLower(orDefault(spec.Policy, "lru"))]
	if !ok {
		p = policyBytes["lhd"] // the costliest: an unknown name fails validation anyway
	}
	adm, _, _ := strings.Cut(strings.ToLower(orDefault(spec.Admission, "always")), ":")
	return n * (p + metaBytes + admissionBytes[adm])
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// held is how many objects a cache holds at most, as the LRU
// characteristic-time approximation has it: everything it sees when that
// fits; else the objects seen in the window T whose objects just fill the
// capacity (a cache holds what was requested within its characteristic
// time), counting only steady populations (a spike's large objects
// push out more small ones than they bring, so the peak count is
// outside spikes). share gives each population's share of requests at
// the cache; limited says whether capacity was the bound.
func held(pops []population, share func(p *population) float64, capacity, run float64) (n float64, limited bool, key string) {
	tally := func(secs float64, steadyOnly bool) (n, bytes float64, key string) {
		var most float64
		for i := range pops {
			p := &pops[i]
			sh := share(p)
			if sh <= 0 || (steadyOnly && !p.steady) {
				continue
			}
			k := p.window(sh, secs)
			n += k
			bytes += k * p.meanSize
			if k > most {
				most, key = k, p.key
			}
		}
		return n, bytes, key
	}
	all, bytes, key := tally(run, false)
	if bytes <= capacity {
		return all, false, key
	}
	steady, sbytes, _ := tally(run, true)
	if sbytes <= capacity {
		// The steady objects fit: spikes' objects fill the rest.
		return steady + (capacity-sbytes)/((bytes-sbytes)/(all-steady)), true, key
	}
	lo, hi := 0.0, run
	for range 40 {
		mid := (lo + hi) / 2
		if _, b, _ := tally(mid, true); b > capacity {
			hi = mid
		} else {
			lo = mid
		}
	}
	n, _, _ = tally(lo, true)
	return n, true, key
}

// Memory estimates the peak memory of a run of the scenario.
func (s *Scenario) Memory() Memory {
	if s.Warmup > 0 && s.Trace == "" {
		// The caches and the generator see the warm-up's traffic as well;
		// the recorder keeps rows for the measured period only.
		w := *s
		w.Workload, w.Warmup = warmedUp(s.Workload, s.Warmup), 0
		return w.memory(s.Workload.Duration)
	}
	return s.memory(s.Workload.Duration)
}

// memory is Memory for a scenario without a warm-up whose recorder keeps
// rows for recorded.
func (s *Scenario) memory(recorded time.Duration) Memory {
	var parts []MemoryPart
	part := func(key, what string, b float64) *MemoryPart {
		parts = append(parts, MemoryPart{Key: key, What: what, Bytes: b})
		return &parts[len(parts)-1]
	}
	t := &s.Topology
	run := s.Workload.Duration.Seconds()
	popul := s.populations()
	if s.Trace != "" {
		popul = s.tracePopulations()
	}

	// Each cache's share of the viewer requests: a POP's by DNS, a
	// regional cache's its POPs' (all of them for the classes it shields).
	popShare := popShares(t, s.Workload.Metros)
	regionShare := make([]float64, len(t.Regions))
	regionIdx := map[string]int{}
	for g, r := range t.Regions {
		regionIdx[r.Name] = g
	}
	for i, p := range t.POPs {
		if g, ok := regionIdx[p.Region]; ok {
			regionShare[g] += popShare[i]
		}
	}
	type cacheAt struct {
		spec  topology.CacheSpec
		share func(p *population) float64
		site  string // the key of a capacity the site sets itself, else ""
	}
	siteKey := func(tier string, sites []siteTOML, i int) string {
		if i < len(sites) && sites[i].Capacity != 0 {
			return fmt.Sprintf("%s.sites[%d].capacity", tier, i)
		}
		return ""
	}
	var popCaches, regionCaches []cacheAt
	for i, p := range t.POPs {
		sh := popShare[i]
		popCaches = append(popCaches, cacheAt{p.Cache, func(p *population) float64 {
			if !p.edge {
				return 0
			}
			return sh
		}, siteKey("pops", s.File.POPs.Sites, i)})
	}
	for g, r := range t.Regions {
		sh := regionShare[g]
		regionCaches = append(regionCaches, cacheAt{r.Cache, func(p *population) float64 {
			switch {
			case !p.regional:
				return 0
			case p.shield == g:
				return 1
			}
			return sh
		}, siteKey("regions", s.File.Regions.Sites, g)})
	}
	for _, tier := range []struct {
		name, label string
		caches      []cacheAt
	}{{"pops", "POP caches", popCaches}, {"regions", "regional caches", regionCaches}} {
		// The tier's part is named by its capacity when most of its
		// objects are there because the capacity allows it, else by the
		// population that makes the caches large.
		var bytes, total, byCap, biggest float64
		capKey, most := tier.name+".capacity", map[string]float64{}
		for _, c := range tier.caches {
			n, limited, key := held(popul, c.share, float64(c.spec.Capacity), run)
			bytes += cacheBytes(c.spec, n)
			total += n
			if limited {
				byCap += n
				if c.site != "" && n > biggest {
					biggest, capKey = n, c.site
				}
			} else {
				most[key] += n
			}
		}
		key := capKey
		if byCap < total/2 {
			key = maxKey(most)
		}
		part(key, fmt.Sprintf("%d %s holding about %s objects", len(tier.caches), tier.label, count(total)), bytes).Objects = total
	}

	var all float64
	allKey, most := "", 0.0
	for i := range popul {
		n := popul[i].window(1, run)
		all += n
		if n > most {
			allKey, most = popul[i].key, n
		}
	}
	// The network: a class per object ID, and tables of metro × POP and
	// node × origin pairs.
	dense := min(all, denseObjects)
	part(allKey, "the object → class table", dense*objClassBytes+(all-dense)*mapObjBytes)
	metros, pops, regions := float64(len(s.Workload.Metros)), float64(len(t.POPs)), float64(len(t.Regions))
	pairs := (metros+1)*pops + (pops+regions)*float64(len(t.Origins)) + regions*regions
	tablesKey := "pops.sites"
	if metros > pops {
		tablesKey = "workload.metros"
	}
	part(tablesKey, "latency and DNS tables", pairs*pairBytes)

	// The generator: size tables, and the decaying objects alive at once.
	if s.Trace == "" {
		var live, biggest float64
		key := "workload.classes"
		for i, cl := range s.Workload.Classes {
			if cl.Popularity != workload.PopDecay {
				continue
			}
			n := liveObjects(cl, s.Workload.Duration.Seconds())
			live += n
			if n > biggest {
				key, biggest = fmt.Sprintf("workload.classes[%d].birth_rate", i), n
			}
		}
		part(key, "the workload's live objects and size tables", live*liveBytes+float64(len(s.Workload.Classes))*classTableBytes)
	}

	// The recorder: a bin per interval, a count per second.
	secs := recorded.Seconds()
	bins := math.Ceil(secs / s.Interval.Seconds())
	recKey := "interval"
	if secs*secondBytes > bins*binBytes {
		recKey = "workload.duration"
	}
	part(recKey, fmt.Sprintf("%s timeseries rows", count(bins)), bins*binBytes+secs*secondBytes)

	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Bytes > parts[j].Bytes })
	var heap float64
	for _, p := range parts {
		heap += p.Bytes
	}
	return Memory{Bytes: heap*gcFactor + baseBytes, Base: baseBytes, Parts: parts}
}

// liveObjects is how many objects of a decay class are alive at once in
// the generator: born at birth_rate, each alive until its last request.
// With V requests spread by a profile of time scale L, the last comes
// after about L·(1 + ln V) (the maximum of V exponential draws); a power
// law's tail may keep an object alive the whole run.
func liveObjects(cl workload.Class, secs float64) float64 {
	rate := cl.BirthRate / 3600
	all := rate * secs
	life := cl.Lifetime.Seconds()
	switch cl.Profile {
	case workload.ProfilePowerLaw:
		return all
	case workload.ProfileRectangular:
		return math.Min(all, rate*life)
	}
	return math.Min(all, rate*life*(1+math.Log1p(cl.Volume.Mean)))
}

// count writes a large count briefly: 950, 12k, 3.4M, 1.2G.
func count(n float64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fG", n/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", n/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.0fk", n/1e3)
	}
	return fmt.Sprintf("%.0f", n)
}

// maxKey is the key of m with the largest value ("" for none), the
// first in order among equals.
func maxKey(m map[string]float64) string {
	best, key := -1.0, ""
	for k, v := range m {
		if v > best || (v == best && k < key) {
			best, key = v, k
		}
	}
	return key
}

// CheckMemory returns an *Error when a run would need more than limit
// bytes of memory (limit <= 0: no limit); limitName says where the limit
// comes from, for the message. The error names the key of the largest
// part of the estimate.
func (s *Scenario) CheckMemory(limit int64, limitName string) error {
	m := s.Memory()
	if limit <= 0 || m.Bytes <= float64(limit) {
		return nil
	}
	p := m.Parts[0]
	e := &Error{File: s.Source, Key: p.Key}
	if s.at != nil {
		e = s.at(p.Key)
	}
	e.Msg = fmt.Sprintf("the run would need about %s of memory, more than %s (%s); most of it, %s, for %s",
		FormatBytes(m.Bytes), FormatBytes(float64(limit)), limitName, FormatBytes(p.Bytes*gcFactor), p.What)
	return e
}

// FormatBytes writes a byte count with a binary unit, rounded: 191MB, 1.6TB.
func FormatBytes(b float64) string {
	for _, u := range []struct {
		s string
		m float64
	}{{"EB", 1 << 60}, {"PB", 1 << 50}, {"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if b >= u.m {
			if b/u.m >= 10 {
				return fmt.Sprintf("%.0f%s", b/u.m, u.s)
			}
			return fmt.Sprintf("%.1f%s", b/u.m, u.s)
		}
	}
	return fmt.Sprintf("%.0fB", b)
}
