package scenarios

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// workloadSection is the [workload] table: the generator's configuration plus
// the keys only a scenario file has.
type workloadSection struct {
	workload.Config
	// MetrosPreset names a built-in set of viewer metros used instead of
	// listing metros ("world").
	MetrosPreset string `toml:"metros_preset"`
}

// Built-in layouts a scenario can name instead of listing sites.
const (
	// PresetCloudFrontLike is pops.preset: POP cities and the 13 regional
	// edge caches of CloudFront's public footprint, each POP attached to
	// its nearest regional cache (topology.CloudFrontLikeSites).
	PresetCloudFrontLike = "cloudfront-like"
	// PresetCloudFrontFull is pops.preset: CloudFront's published
	// footprint, 631 POPs in 100 metro areas (several POPs in the big
	// ones, which DNS spreads a metro's viewers over), with the same 13
	// regional edge caches (topology.CloudFrontFullSites).
	PresetCloudFrontFull = "cloudfront-full"
	// PresetWorld is workload.metros_preset: the built-in world's viewer
	// metros (topology.WorldMetros).
	PresetWorld = "world"
)

// sitePresets maps a pops.preset name to its POP and regional-cache sites.
var sitePresets = map[string]func() (pops, regions []topology.Site){
	PresetCloudFrontLike: topology.CloudFrontLikeSites,
	PresetCloudFrontFull: topology.CloudFrontFullSites,
}

// metroPresets maps a workload.metros_preset name to its metros.
var metroPresets = map[string]func() []workload.Metro{
	PresetWorld: topology.WorldMetros,
}

// PresetMetros returns the metros of a built-in metros preset, as a
// scenario with workload.metros_preset = name would get them.
func PresetMetros(name string) ([]workload.Metro, bool) {
	f, ok := metroPresets[name]
	if !ok {
		return nil, false
	}
	return f(), true
}

func keys[V any](m map[string]V) string {
	var ks []string
	for k := range m {
		ks = append(ks, fmt.Sprintf("%q", k))
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// applyPresets replaces the preset keys of f by the sites and metros they
// name, so the rest of Parse sees an ordinary file. fail makes the error
// for a key.
func applyPresets(f *File, fail func(key, msg string) error) error {
	if f.Regions.Preset != "" {
		return fail("regions.preset", "not a key of [regions]: pops.preset gives both the POPs and their regional edge caches")
	}
	// topology.preset is the spelling of pops.preset; either works.
	if f.Topology.Preset != "" {
		if f.POPs.Preset != "" && f.POPs.Preset != f.Topology.Preset {
			return fail("topology.preset", fmt.Sprintf("%q disagrees with pops.preset = %q: give one", f.Topology.Preset, f.POPs.Preset))
		}
		f.POPs.Preset = f.Topology.Preset
	}
	if name := f.POPs.Preset; name != "" {
		preset, ok := sitePresets[name]
		if !ok {
			return fail("pops.preset", fmt.Sprintf("unknown preset %q (built-in: %s)", name, keys(sitePresets)))
		}
		mixed := fmt.Sprintf("cannot be combined with pops.preset = %q: list your own sites or use the preset, not both", name)
		if len(f.POPs.Sites) > 0 {
			return fail("pops.sites", mixed)
		}
		if len(f.Regions.Sites) > 0 {
			return fail("regions.sites", mixed)
		}
		if f.POPs.Capacity <= 0 {
			return fail("pops.capacity", "must be > 0: with pops.preset it is every POP's cache size")
		}
		if f.Regions.Capacity <= 0 {
			return fail("regions.capacity", "must be > 0: with pops.preset it is every regional edge cache's size")
		}
		pops, regions := preset()
		for _, p := range pops {
			f.POPs.Sites = append(f.POPs.Sites, siteTOML{Name: p.Name, City: p.City, Lat: p.Lat, Lon: p.Lon, Region: p.Region,
				Area: p.Area, priceClass: p.PriceClass})
		}
		for _, r := range regions {
			f.Regions.Sites = append(f.Regions.Sites, siteTOML{Name: r.Name, City: r.City, Lat: r.Lat, Lon: r.Lon})
		}
	}
	if name := f.Workload.MetrosPreset; name != "" {
		preset, ok := metroPresets[name]
		if !ok {
			return fail("workload.metros_preset", fmt.Sprintf("unknown preset %q (built-in: %s)", name, keys(metroPresets)))
		}
		if len(f.Workload.Metros) > 0 {
			return fail("workload.metros", fmt.Sprintf("cannot be combined with workload.metros_preset = %q: list your own metros or use the preset, not both", name))
		}
		f.Workload.Metros = preset()
	}
	return nil
}
