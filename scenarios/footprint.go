package scenarios

import (
	"fmt"

	"github.com/cdnsim/cdnsim/topology"
)

// priceClassTOML is a price class as written: "100", "200", "all" or the
// bare numbers 100 and 200 (what --set pops.price_class=100 gives).
type priceClassTOML string

// UnmarshalTOML implements toml.Unmarshaler.
func (p *priceClassTOML) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		*p = priceClassTOML(x)
	case int64:
		*p = priceClassTOML(fmt.Sprint(x))
	default:
		return fmt.Errorf("a price class is \"100\", \"200\" or \"all\", not %T", v)
	}
	return nil
}

// validateFootprint checks the [pops] keys of the footprint: the price
// class, the egress cap and its window; and that [regions] has none of
// them. A site's own egress_gbps and a price class that leaves no POP are
// checked by topology.Config.Validate.
func validateFootprint(f *File, fail func(key, msg string) error) error {
	r := f.Regions
	switch {
	case r.PriceClass != "":
		return fail("regions.price_class", "a key of [pops]: the price class limits the POPs, and their regional caches follow")
	case r.EgressGbps != 0:
		return fail("regions.egress_gbps", "a key of [pops]: only POPs have an egress cap here")
	case r.EgressWindow != 0:
		return fail("regions.egress_window", "a key of [pops]")
	case len(r.EgressCaps) > 0:
		return fail("regions.egress_caps", "a key of [pops]")
	}
	for i, c := range f.POPs.EgressCaps {
		key := fmt.Sprintf("pops.egress_caps[%d]", i)
		if !(c.Gbps >= 0) {
			return fail(key+".gbps", "must be >= 0 Gbit/s (0: no cap)")
		}
		found := false
		for _, s := range f.POPs.Sites {
			found = found || capNames(c, s)
		}
		if !found {
			return fail(key+".site", fmt.Sprintf("names no POP or area: %q", c.Site))
		}
	}
	if f.POPs.PriceClass != "" {
		if _, err := topology.ParsePriceClass(string(f.POPs.PriceClass)); err != nil {
			return fail("pops.price_class", err.Error())
		}
	}
	if !(f.POPs.EgressGbps >= 0) {
		return fail("pops.egress_gbps", "must be >= 0 Gbit/s (0: no cap)")
	}
	if f.POPs.EgressWindow < 0 {
		return fail("pops.egress_window", "must be > 0 (0: the default, 10s)")
	}
	for i, s := range f.Regions.Sites {
		if s.Area != "" || s.EgressGbps != 0 {
			return fail(fmt.Sprintf("regions.sites[%d]", i), "area and egress_gbps are keys of POP sites")
		}
	}
	return nil
}

// buildFootprint fills in c's price class, egress window and each POP's
// area, price class and egress cap from f (validated): egress_caps, else
// the site's egress_gbps, else [pops] egress_gbps. A POP's price class
// is the preset's, or, for a POP listed by hand, that of the built-in
// footprint's area nearest it; it is looked up only when a price class is
// set, as nothing else reads it.
func buildFootprint(f *File, c *topology.Config) {
	c.PriceClass, _ = topology.ParsePriceClass(string(f.POPs.PriceClass))
	c.EgressWindow = f.POPs.EgressWindow
	for i, s := range f.POPs.Sites {
		p := &c.POPs[i]
		p.Area = s.Area
		p.EgressGbps = f.POPs.EgressGbps
		if s.EgressGbps != 0 {
			p.EgressGbps = s.EgressGbps
		}
		for _, cp := range f.POPs.EgressCaps {
			if capNames(cp, s) {
				p.EgressGbps = cp.Gbps
			}
		}
		if c.PriceClass != topology.PriceClassUnset {
			p.PriceClass = s.priceClass
			if p.PriceClass == topology.PriceClassUnset {
				p.PriceClass = topology.PriceClassAt(s.Lat, s.Lon)
			}
		}
	}
}

// capNames reports whether an egress cap names site s, by name or area.
func capNames(c egressCapTOML, s siteTOML) bool {
	return c.Site == s.Name || (s.Area != "" && c.Site == s.Area)
}
