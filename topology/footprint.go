package topology

import (
	"fmt"
	"strings"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// PriceClass is a CloudFront price class: the set of edge locations a
// distribution may use. A POP's PriceClass is the smallest class that
// includes it; a distribution's is the largest it pays for. Classes are
// ordered: 100 ⊂ 200 ⊂ All.
//
// Which regions each class includes, from CloudFront's pricing page
// (aws.amazon.com/cloudfront/pricing/, "Price classes") and the AWS CDK's
// PriceClass documentation (docs.aws.amazon.com/cdk/api/v2/docs/
// aws-cdk-lib.aws_cloudfront.PriceClass.html):
//   - 100: the United States, Mexico and Canada; Europe and Israel.
//   - 200: 100 plus South Africa, Kenya, Nigeria, Egypt, the Middle East,
//     Türkiye, Japan, Hong Kong, Indonesia, Malaysia, the Philippines,
//     Singapore, South Korea, Taiwan, Thailand, Vietnam and India.
//   - All: 200 plus South America, Australia and New Zealand.
type PriceClass uint8

// Price classes. The zero value is unset: a distribution without one uses
// every POP (CloudFront's default, PriceClass_All), and a POP without one
// is in every class.
const (
	PriceClassUnset PriceClass = iota
	PriceClass100
	PriceClass200
	PriceClassAll
)

var priceClassNames = [...]string{"", "100", "200", "all"}

func (c PriceClass) String() string {
	if int(c) < len(priceClassNames) {
		return priceClassNames[c]
	}
	return fmt.Sprintf("PriceClass(%d)", c)
}

// ParsePriceClass reads "100", "200" or "all" (CloudFront's spellings
// PriceClass_100, PriceClass_200 and PriceClass_All too, any case).
func ParsePriceClass(s string) (PriceClass, error) {
	t := strings.ToLower(strings.TrimPrefix(strings.ToLower(s), "priceclass_"))
	for c, name := range priceClassNames {
		if name != "" && t == name {
			return PriceClass(c), nil
		}
	}
	return PriceClassUnset, fmt.Errorf("unknown price class %q (want \"100\", \"200\" or \"all\")", s)
}

// includes reports whether a distribution of class c may use a POP of
// class p.
func (c PriceClass) includes(p PriceClass) bool {
	return c == PriceClassUnset || p == PriceClassUnset || p <= c
}

// defaultEgressWindow is how long a POP's egress is measured over when
// Config.EgressWindow is 0: short against the DNS TTL (60 s), so an answer
// sees the load of the last few seconds, long enough to hold many
// responses.
const defaultEgressWindow = 10 * time.Second

// egress measures each capped POP's egress (body bytes sent to viewers) in
// tumbling windows of virtual time [k·w, (k+1)·w), the bytes of a request
// counted in the window it arrived in; a POP is over capacity at t when the
// last whole window before t's carried more than its capacity would.
type egress struct {
	on     bool
	window sim.Time
	limit  []int64 // per POP: bytes a window at capacity (0: no cap)
	win    []int64 // per POP: the window cur counts
	cur    []int64 // per POP: bytes in window win
	last   []int64 // per POP: bytes in window win-1
}

func (e *egress) init(cfg *Config) {
	e.window = orDur(cfg.EgressWindow, defaultEgressWindow)
	e.limit = make([]int64, len(cfg.POPs))
	for i, p := range cfg.POPs {
		if p.EgressGbps > 0 {
			e.on = true
			// Gbit/s → bytes per window.
			e.limit[i] = max(1, int64(p.EgressGbps*1e9/8*e.window.Seconds()))
		}
	}
	if e.on {
		e.win = make([]int64, len(cfg.POPs))
		e.cur = make([]int64, len(cfg.POPs))
		e.last = make([]int64, len(cfg.POPs))
	}
}

// roll moves POP p's counters to the window of t.
func (e *egress) roll(p int, t sim.Time) {
	k := int64(t / e.window)
	switch d := k - e.win[p]; {
	case d == 0:
	case d == 1:
		e.last[p], e.cur[p] = e.cur[p], 0
	default:
		e.last[p], e.cur[p] = 0, 0
	}
	e.win[p] = k
}

// add counts bytes sent by POP p for a request arriving at t.
func (e *egress) add(p int, t sim.Time, bytes int64) {
	if e.limit[p] == 0 {
		return
	}
	e.roll(p, t)
	e.cur[p] += bytes
}

// over reports whether POP p's last whole window before t carried more
// than its capacity.
func (e *egress) over(p int, t sim.Time) bool {
	if e.limit[p] == 0 {
		return false
	}
	e.roll(p, t)
	return e.last[p] > e.limit[p]
}

// spread is how a metro's viewers split over the POPs of an area: a
// metro has as many resolvers as its nearest area has POPs, resolver j
// preferring the area's POPs rotated by j, so each POP of the area is
// the first choice of one resolver. A request's resolver is picked by a
// hash of the request (arrival time and object), standing for the viewer
// that sent it: it is deterministic without a random stream, so a
// sampled or sharded run routes each request it keeps as the full run
// does, and a metro with one POP in its nearest area hashes nothing.
func spreadSlot(t sim.Time, obj uint64, m, k int) int {
	// Mix64 carries every input bit to the low bits the modulo keeps.
	return int(sim.Mix64(uint64(t)^obj*0x9e3779b97f4a7c15^uint64(m)<<48) % uint64(k))
}

// areaFirst reorders order (POPs by RTT) so that the POPs sharing the
// nearest POP's Area come first, each part in RTT order, and returns how
// many they are (1 when the nearest POP has no Area).
func areaFirst(order []uint16, pops []POP) int {
	if len(order) == 0 {
		return 0
	}
	area := pops[order[0]].Area
	if area == "" {
		return 1
	}
	in := make([]uint16, 0, len(order))
	var out []uint16
	for _, p := range order {
		if pops[p].Area == area {
			in = append(in, p)
		} else {
			out = append(out, p)
		}
	}
	copy(order, append(in, out...))
	return len(in)
}

// validFootprint checks the price class, areas and egress capacities.
func (c *Config) validFootprint() error {
	if c.PriceClass > PriceClassAll {
		return ferr("pops.price_class", "unknown price class %d", c.PriceClass)
	}
	allowed := 0
	for i, p := range c.POPs {
		key := fmt.Sprintf("pops.sites[%d]", i)
		if p.PriceClass > PriceClassAll {
			return ferr(key+".price_class", "unknown price class %d", p.PriceClass)
		}
		if !(p.EgressGbps >= 0) {
			return ferr(key+".egress_gbps", "must be >= 0 Gbit/s (0: no cap), got %v", p.EgressGbps)
		}
		if c.PriceClass.includes(p.PriceClass) {
			allowed++
		}
	}
	if allowed == 0 && len(c.Metros) > 0 {
		return ferr("pops.price_class", "price class %s leaves viewers in %s with no POP: all %d POPs are outside it (CloudFront serves every viewer from a POP of the class; add one, or choose a larger class)",
			c.PriceClass, c.Metros[0].Name, len(c.POPs))
	}
	if c.EgressWindow < 0 {
		return ferr("pops.egress_window", "must be > 0, got %v", c.EgressWindow)
	}
	return nil
}
