package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// defaultInterval is the width of a timeseries row when interval is left out.
const defaultInterval = 5 * time.Minute

// zeroDefault is a key whose zero value the simulator reads as "use the
// default": written as 0 it would silently become the default, so an
// explicit 0 (or a negative value) is an error that says so.
type zeroDefault struct {
	array string // "" for a top-level key, else the array whose elements have key
	key   string
	def   string // the default, as the user would write it
	why   string // what the value is, for the message
	value func(f *File, i int) float64
}

func durOf(d time.Duration) float64 { return float64(d) }

var zeroDefaults = []zeroDefault{
	{"", "interval", "5m", "the width of a timeseries row", func(f *File, _ int) float64 { return durOf(f.Interval) }},
	{"", "origin_idle_timeout", "5s", "how long an idle origin connection stays open", func(f *File, _ int) float64 { return durOf(f.OriginIdle) }},
	{"", "error_caching_ttl", "10s", "how long a cache keeps an error response", func(f *File, _ int) float64 { return durOf(f.ErrorTTL) }},
	{"", "connect_timeout", "10s", "how long a connection attempt to a dead origin waits", func(f *File, _ int) float64 { return durOf(f.ConnectTimeout) }},
	{"", "dns.ttl", "60s", "how long a resolver keeps an answer", func(f *File, _ int) float64 { return durOf(f.DNS.TTL) }},
	{"", "latency.fibre_km_per_ms", "200", "the speed of light in fibre", func(f *File, _ int) float64 { return f.Latency.KmPerMs }},
	{"", "latency.route_inflation", "1.5", "how much longer routes are than the great circle", func(f *File, _ int) float64 { return f.Latency.Inflation }},
	{"", "latency.per_hop", "2ms", "the base cost of a hop", func(f *File, _ int) float64 { return durOf(f.Latency.PerHop) }},
	{"", "bandwidth.viewer_mbps", "50", "the viewers' last mile", func(f *File, _ int) float64 { return f.Bandwidth.ViewerMbps }},
	{"", "bandwidth.regional_mbps", "1000", "the regional cache → POP leg", func(f *File, _ int) float64 { return f.Bandwidth.RegionalMbps }},
	{"origins", "egress_mbps", "1000", "the bandwidth the origin serves at", func(f *File, i int) float64 { return f.Origins[i].EgressMbps }},
	{"invalidations", "propagation", "5s", "how long an invalidation takes to reach every cache", func(f *File, i int) float64 { return durOf(f.Invalidations[i].Propagation) }},
}

// checkDefaults rejects keys of zeroDefaults written as 0 or less: the
// simulator would take 0 for the default, and a negative value has no
// meaning. doc is the decoded TOML, which tells a key written from one left
// out.
func checkDefaults(doc map[string]any, f *File, fail func(key, msg string) error) error {
	n := map[string]int{"origins": len(f.Origins), "invalidations": len(f.Invalidations)}
	for _, z := range zeroDefaults {
		count := 1
		if z.array != "" {
			count = n[z.array]
		}
		for i := range count {
			key := z.key
			if z.array != "" {
				key = fmt.Sprintf("%s[%d].%s", z.array, i, z.key)
			}
			if v := z.value(f, i); !(v > 0) && defined(doc, key) {
				return fail(key, fmt.Sprintf("must be > 0: it is %s (leave it out for the default, %s)", z.why, z.def))
			}
		}
	}
	return nil
}

var segmentRE = regexp.MustCompile(`^([^\[]+)((?:\[\d+\])*)$`)

// defined reports whether the key path ("origins[1].egress_mbps") is
// written in doc.
func defined(doc map[string]any, key string) bool {
	var cur any = doc
	for _, part := range strings.Split(key, ".") {
		m := segmentRE.FindStringSubmatch(part)
		table, ok := cur.(map[string]any)
		if m == nil || !ok {
			return false
		}
		if cur, ok = table[m[1]]; !ok {
			return false
		}
		for _, ix := range indexRE.FindAllString(m[2], -1) {
			i, _ := strconv.Atoi(ix[1 : len(ix)-1])
			arr, ok := toSlice(cur)
			if !ok || i >= len(arr) {
				return false
			}
			cur = arr[i]
		}
	}
	return true
}

var siteKeyRE = regexp.MustCompile(`^(pops|regions)\.sites\[(\d+)\]\.(capacity|policy|admission|outages\[(\d+)\])(.*)$`)

// writtenKey maps a key of the built topology.Config to the key the value
// was written under. A site's capacity, policy and admission come from its
// tier's defaults unless the site gives its own, so an error in
// "pops.sites[3].policy" is one in "pops.policy" when site 3 has no
// policy; a POP's outages are its own followed by those of [pops] outages
// that name it.
func writtenKey(f *File, key string) string {
	m := siteKeyRE.FindStringSubmatch(key)
	if m == nil {
		return key
	}
	tier := &f.POPs
	if m[1] == "regions" {
		tier = &f.Regions
	}
	i, _ := strconv.Atoi(m[2])
	if i >= len(tier.Sites) {
		return key
	}
	site := tier.Sites[i]
	switch m[3] {
	case "capacity":
		if site.Capacity == 0 {
			return m[1] + ".capacity" + m[5]
		}
	case "policy":
		if site.Policy == "" {
			return m[1] + ".policy" + m[5]
		}
	case "admission":
		if site.Admission == "" {
			return m[1] + ".admission" + m[5]
		}
	default: // outages[k]
		k, _ := strconv.Atoi(m[4])
		k -= len(site.Outages)
		if k < 0 {
			return key
		}
		for j, o := range tier.Outages {
			if o.Site != site.Name {
				continue
			}
			if k == 0 {
				return fmt.Sprintf("%s.outages[%d]%s", m[1], j, m[5])
			}
			k--
		}
	}
	return key
}

// outsideRun warns of events scheduled at or after the end of the
// workload: they never happen, which a user who shortened the run may not
// have meant. at makes the Error for a key. A trace scenario whose length
// is the trace's is not checked here: its end is known once the trace is
// read.
func outsideRun(f *File, at func(key string) *Error) []*Error {
	end := f.Workload.Duration
	if end <= 0 {
		return nil
	}
	var warns []*Error
	warn := func(key string, t time.Duration, what string) {
		if t >= end {
			e := at(key)
			e.Msg = fmt.Sprintf("%s at %v is at or after the end of the run (workload.duration = %v): it does not happen", what, t, end)
			warns = append(warns, e)
		}
	}
	for i, inv := range f.Invalidations {
		warn(fmt.Sprintf("invalidations[%d].at", i), inv.At, "the invalidation")
	}
	if f.Workload.Trace == "" {
		for i, sp := range f.Workload.Spikes {
			warn(fmt.Sprintf("workload.spikes[%d].at", i), sp.At, "the spike")
		}
	}
	for i, o := range f.Origins {
		for j, w := range o.Outages {
			warn(fmt.Sprintf("origins[%d].outages[%d].start", i, j), w.Start, "the outage")
		}
	}
	for i, s := range f.POPs.Sites {
		for j, w := range s.Outages {
			warn(fmt.Sprintf("pops.sites[%d].outages[%d].start", i, j), w.Start, "the outage")
		}
	}
	for i, w := range f.POPs.Outages {
		warn(fmt.Sprintf("pops.outages[%d].start", i), w.Start, "the outage")
	}
	return warns
}
