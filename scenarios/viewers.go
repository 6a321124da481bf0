package scenarios

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cdnsim/cdnsim/topology"
)

// viewersTOML is the [viewers] table: the viewer side of each request
// (topology.Viewers). Every key has a default, so a scenario without the
// table models viewers too; enabled = false turns the model off.
type viewersTOML struct {
	Enabled *bool          `toml:"enabled"`
	Reuse   *float64       `toml:"connection_reuse"`
	HTTP3   *float64       `toml:"http3_share"`
	Jitter  *time.Duration `toml:"jitter"`
	// Access replaces the default access networks.
	Access []accessTOML `toml:"access"`
	// Mix is every metro's share of viewers on each access network, by
	// name; RegionMix overrides it for the metros of a region tag and
	// MetroMix for one metro, by name.
	Mix       map[string]float64            `toml:"mix"`
	RegionMix map[string]map[string]float64 `toml:"region_mix"`
	MetroMix  map[string]map[string]float64 `toml:"metro_mix"`
}

type accessTOML struct {
	Name  string        `toml:"name"`
	RTT   time.Duration `toml:"rtt"`
	Sigma *float64      `toml:"sigma"`
}

// The viewer side's defaults. The README's section on viewer-side latency
// gives their sources.
var (
	// defaultAccess: median last-mile round trips of fixed broadband and
	// mobile networks, Ookla's global medians for November 2022 (Speedtest
	// latency is measured to a nearby server, which a last mile is).
	defaultAccess = []accessTOML{{Name: "fixed", RTT: 10 * time.Millisecond}, {Name: "mobile", RTT: 28 * time.Millisecond}}
	// defaultSigma is the lognormal spread of a last mile around its
	// median: a factor 1.65 at one σ, an assumption.
	defaultSigma = 0.5
	// defaultMix: 30% of viewers on mobile networks, an assumption.
	defaultMix = map[string]float64{"fixed": 0.7, "mobile": 0.3}
	// defaultReuse: the HTTP Archive's median page made 5.6 requests per
	// TCP connection in 2020 (Web Almanac, HTTP/2 chapter), so 1 − 1/5.6
	// of requests go on an open connection.
	defaultReuse = 1 - 1/5.6
	// defaultHTTP3: 26–28% of home pages announce HTTP/3 (Web Almanac
	// 2024, HTTP chapter); browsers use it once announced.
	defaultHTTP3 = 0.27
	// defaultJitter: a mean extra 1 ms per request, an assumption.
	defaultJitter = time.Millisecond
)

// buildViewers resolves [viewers] into the topology's per-metro model;
// fail reports a key and a message.
func buildViewers(v viewersTOML, metros []topology.Metro, regions []string, fail func(key, msg string) error) (topology.Viewers, error) {
	if v.Enabled != nil && !*v.Enabled {
		return topology.Viewers{}, nil
	}
	out := topology.Viewers{Reuse: defaultReuse, HTTP3: defaultHTTP3, Jitter: defaultJitter}
	for _, x := range []struct {
		key string
		p   *float64
		dst *float64
	}{{"viewers.connection_reuse", v.Reuse, &out.Reuse}, {"viewers.http3_share", v.HTTP3, &out.HTTP3}} {
		if x.p == nil {
			continue
		}
		if !(*x.p >= 0 && *x.p <= 1) {
			return out, fail(x.key, fmt.Sprintf("must be in [0, 1], got %v", *x.p))
		}
		*x.dst = *x.p
	}
	if v.Jitter != nil {
		if *v.Jitter < 0 {
			return out, fail("viewers.jitter", "must be >= 0")
		}
		out.Jitter = *v.Jitter
	}
	access := defaultAccess
	if len(v.Access) > 0 {
		access = v.Access
	}
	names := map[string]int{}
	for i, a := range access {
		key := fmt.Sprintf("viewers.access[%d]", i)
		if a.Name == "" {
			return out, fail(key+".name", "is empty")
		}
		if _, dup := names[a.Name]; dup {
			return out, fail(key+".name", fmt.Sprintf("access network %q is listed twice", a.Name))
		}
		names[a.Name] = i
		if a.RTT < 0 {
			return out, fail(key+".rtt", "must be >= 0")
		}
		if a.Sigma != nil && !(*a.Sigma >= 0 && *a.Sigma <= 3) {
			return out, fail(key+".sigma", "must be in [0, 3]")
		}
	}
	mix := func(key string, m map[string]float64) ([]topology.AccessNetwork, error) {
		var sum float64
		for _, n := range sortedKeys(m) {
			if _, ok := names[n]; !ok {
				return nil, fail(key+"."+n, fmt.Sprintf("names no access network (have %s)", strings.Join(sortedKeys(names), ", ")))
			}
			if !(m[n] >= 0 && m[n] <= 1) {
				return nil, fail(key+"."+n, "a share must be in [0, 1]")
			}
			sum += m[n]
		}
		if math.Abs(sum-1) > 1e-6 {
			return nil, fail(key, fmt.Sprintf("shares add up to %v, not 1", sum))
		}
		nets := make([]topology.AccessNetwork, len(access))
		for i, a := range access {
			sigma := defaultSigma
			if a.Sigma != nil {
				sigma = *a.Sigma
			}
			nets[i] = topology.AccessNetwork{Name: a.Name, Share: m[a.Name] / sum, RTT: a.RTT, Sigma: sigma}
		}
		return nets, nil
	}
	base := defaultMix
	if v.Mix != nil {
		base = v.Mix
	} else {
		for n := range defaultMix {
			if _, ok := names[n]; !ok {
				return out, fail("viewers.mix", "is needed: your access networks are not the default fixed and mobile")
			}
		}
	}
	def, err := mix("viewers.mix", base)
	if err != nil {
		return out, err
	}
	byRegion := map[string][]topology.AccessNetwork{}
	for _, r := range sortedKeys(v.RegionMix) {
		if !slices.Contains(regions, r) {
			return out, fail("viewers.region_mix."+r, fmt.Sprintf("no metro has the region tag %q", r))
		}
		if byRegion[r], err = mix("viewers.region_mix."+r, v.RegionMix[r]); err != nil {
			return out, err
		}
	}
	byMetro := map[string][]topology.AccessNetwork{}
	for _, m := range sortedKeys(v.MetroMix) {
		if !slices.ContainsFunc(metros, func(x topology.Metro) bool { return x.Name == m }) {
			return out, fail("viewers.metro_mix."+m, fmt.Sprintf("names no metro: %q", m))
		}
		if byMetro[m], err = mix("viewers.metro_mix."+m, v.MetroMix[m]); err != nil {
			return out, err
		}
	}
	for i, m := range metros {
		nets := def
		if r, ok := byRegion[regions[i]]; ok {
			nets = r
		}
		if n, ok := byMetro[m.Name]; ok {
			nets = n
		}
		out.Access = append(out.Access, nets)
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
