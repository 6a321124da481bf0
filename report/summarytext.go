package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cdnsim/cdnsim/sim"
)

// The summary as a terminal shows it: Summary.Text and its formatting
// helpers.

// Text is one readable paragraph for a terminal: request count, hit ratio
// per tier, origin offload, origin load and its peak, TTFB percentiles and
// the busiest POP.
func (s Summary) Text() string {
	var b strings.Builder
	name := s.Scenario
	if name == "" {
		name = "run"
	}
	fmt.Fprintf(&b, "%s (seed %d", name, s.Seed)
	if strings.Contains(s.Shard, "/") {
		fmt.Fprintf(&b, ", shard %s", s.Shard)
	} else if s.Shard != "" {
		fmt.Fprintf(&b, ", merged from %s", s.Shard)
	}
	if s.SampleRate != 1 {
		fmt.Fprintf(&b, ", sample R = %g", s.SampleRate)
		for _, name := range slices.Sorted(maps.Keys(s.SampleClassRates)) {
			fmt.Fprintf(&b, ", %s at %g", name, s.SampleClassRates[name])
		}
		b.WriteString(": full-scale estimates")
	}
	fmt.Fprintf(&b, "): %s (%s) over %s", count(s.Requests, "request"), formatBytes(s.Bytes),
		sim.Time(s.DurationS*float64(sim.Second)).Short())
	if s.WarmupS > 0 {
		fmt.Fprintf(&b, " after a %s warm-up", sim.Time(s.WarmupS*float64(sim.Second)).Short())
	}
	b.WriteString(".")
	b.WriteString(s.failureText())
	e, g, h, o := s.Tiers.Edge, s.Tiers.Regional, s.Tiers.Shield, s.Tiers.Origin
	fmt.Fprintf(&b, " Hit ratio: edge %s (%s of bytes)", pct(e.HitRatio), pct(e.ByteHitRatio))
	fmt.Fprintf(&b, ", regional %s (%s of bytes) of the %s that reached it",
		pct(g.HitRatio), pct(g.ByteHitRatio), count(g.Requests, "request"))
	if h.Requests > 0 {
		fmt.Fprintf(&b, ", origin shield %s of %s", pct(h.HitRatio), count(h.Requests, "request"))
	}
	fmt.Fprintf(&b, "; origin offload %s of requests (%s of bytes).", pct(s.OriginOffload.Requests), pct(s.OriginOffload.Bytes))
	fmt.Fprintf(&b, " Origin: %s (%s), mean %.2f req/s, peak %.0f req/s at %s.",
		count(o.Requests, "request"), formatBytes(o.Bytes), o.MeanRPS, o.PeakRPS, clock(o.PeakAtS))
	fmt.Fprintf(&b, " TTFB p50 %.1f ms, p95 %.1f ms, p99 %.1f ms.", s.Latency.P50, s.Latency.P95, s.Latency.P99)
	if rg := s.Ranges; rg != nil {
		fmt.Fprintf(&b, " Ranges: %s; %s served in %s, %s of them from the edge cache.",
			count(rg.Requests, "range request"), count(rg.PartRequests, "request"), count(rg.Parts, "part"), pct(rg.PartHitRatio))
	}
	if bi := s.busiest(); bi >= 0 {
		p := s.POPs[bi]
		fmt.Fprintf(&b, " Busiest POP: %s", p.Name)
		if p.Region != "" {
			fmt.Fprintf(&b, " (%s)", p.Region)
		}
		fmt.Fprintf(&b, ", %s, hit ratio %s.", count(p.Requests, "request"), pct(p.HitRatio))
	}
	return b.String()
}

// busiest is the index of the POP with the most requests (the first on a
// tie), or -1 when no POP saw any.
func (s Summary) busiest() int {
	bi := -1
	for i, p := range s.POPs {
		if p.Requests > 0 && (bi < 0 || p.Requests > s.POPs[bi].Requests) {
			bi = i
		}
	}
	return bi
}

// count is "1 request", "2,000 requests".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return groupDigits(n) + " " + noun + "s"
}

// pct is a ratio as a percentage, "n/a" when undefined.
func pct(r Ratio) string {
	if !r.Defined() {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*r.Float())
}

// clock formats seconds since the start as a time of day, with the day
// number after the first day ("14:05:00", "d2 03:00:00").
func clock(sec float64) string {
	s := int64(sec)
	d, s := s/86400, s%86400
	hms := fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
	if d > 0 {
		return fmt.Sprintf("d%d %s", d+1, hms)
	}
	return hms
}

// groupDigits writes n with thousands separators, as people read counts.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatBytes uses decimal units, as network and billing figures do.
func formatBytes(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	x := float64(n)
	u := 0
	for x >= 1000 && u < len(units)-1 {
		x /= 1000
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", x, units[u])
}
