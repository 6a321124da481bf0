package topology

import (
	"math"
	"slices"
	"testing"

	"github.com/cdnsim/cdnsim/workload"
)

func TestCloudFrontLikeLayout(t *testing.T) {
	t.Parallel()
	pops, regions := CloudFrontLikeSites()
	if len(pops) < 50 {
		t.Errorf("%d POPs, want >= 50", len(pops))
	}
	var names []string
	for _, r := range regions {
		names = append(names, r.Name)
	}
	want := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "sa-east-1", "eu-west-1", "eu-west-2",
		"eu-central-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2"}
	if !slices.Equal(names, want) {
		t.Fatalf("regions %v, want %v", names, want)
	}
	popsOf := map[string]int{}
	seen := map[string]bool{}
	for _, p := range pops {
		if seen[p.Name] || len(p.Name) != 3 || p.City == "" {
			t.Errorf("POP %+v: duplicate, or not an IATA code and a city", p)
		}
		seen[p.Name] = true
		if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 || (p.Lat == 0 && p.Lon == 0) {
			t.Errorf("POP %s at (%v, %v)", p.Name, p.Lat, p.Lon)
		}
		// Brute force, independent of nearest(): no region is closer than
		// the one the POP is attached to.
		var home Site
		for _, r := range regions {
			if r.Name == p.Region {
				home = r
			}
		}
		if home.Name == "" {
			t.Fatalf("POP %s: region %q is not a regional cache", p.Name, p.Region)
		}
		d := GreatCircleKm(p.Lat, p.Lon, home.Lat, home.Lon)
		for _, r := range regions {
			if o := GreatCircleKm(p.Lat, p.Lon, r.Lat, r.Lon); o < d {
				t.Errorf("POP %s is attached to %s (%.0f km) but %s is %.0f km away", p.Name, p.Region, d, r.Name, o)
			}
		}
		popsOf[p.Region]++
	}
	for _, r := range regions {
		if popsOf[r.Name] == 0 {
			t.Errorf("region %s has no POP", r.Name)
		}
	}
	// Attachments a CDN engineer would expect of the geography.
	for pop, region := range map[string]string{
		"IAD": "us-east-1", "ORD": "us-east-2", "SFO": "us-west-1", "SEA": "us-west-2", "GRU": "sa-east-1",
		"DUB": "eu-west-1", "LHR": "eu-west-2", "FRA": "eu-central-1", "DEL": "ap-south-1", "SIN": "ap-southeast-1",
		"AKL": "ap-southeast-2", "KIX": "ap-northeast-1", "ICN": "ap-northeast-2", "EZE": "sa-east-1", "WAW": "eu-central-1",
	} {
		i := slices.IndexFunc(pops, func(p Site) bool { return p.Name == pop })
		if i < 0 || pops[i].Region != region {
			t.Errorf("%s: not attached to %s", pop, region)
		}
	}
}

func TestPresetCloudFrontLikeConfig(t *testing.T) {
	t.Parallel()
	pops, regions := PresetCloudFrontLike()
	sites, _ := CloudFrontLikeSites()
	if len(pops) != len(sites) || len(regions) != 13 {
		t.Fatalf("%d POPs, %d regions; want %d and 13", len(pops), len(regions), len(sites))
	}
	if p := pops[0]; p.Name != "IAD" || p.Lat != 38.95 || p.Lon != -77.46 || p.Region != "us-east-1" || p.Cache != (CacheSpec{}) {
		t.Errorf("first POP %+v", p)
	}
	// A fresh copy each time: a caller may fill in capacities.
	pops[0].Name = "XXX"
	if again, _ := PresetCloudFrontLike(); again[0].Name != "IAD" {
		t.Error("PresetCloudFrontLike shares its slice between calls")
	}
}

func TestWorldMetros(t *testing.T) {
	t.Parallel()
	metros := WorldMetros()
	if len(metros) < 60 {
		t.Errorf("%d metros, want >= 60", len(metros))
	}
	pops, _ := CloudFrontLikeSites()
	seen := map[string]bool{}
	regions := map[string]int{}
	for _, m := range metros {
		if seen[m.Name] || m.Name == "" || m.Region == "" {
			t.Errorf("metro %+v: duplicate or unnamed or untagged", m)
		}
		seen[m.Name] = true
		regions[m.Region]++
		if m.Lat < -90 || m.Lat > 90 || m.Lon < -180 || m.Lon > 180 {
			t.Errorf("%s at (%v, %v)", m.Name, m.Lat, m.Lon)
		}
		if !(m.Weight > 0) {
			t.Errorf("%s: weight %v", m.Name, m.Weight)
		}
		// Standard offsets are whole or half hours (none of the listed
		// cities uses :45), and solar time is never more than 2.5 h from
		// the zone's time in these cities: catches a flipped sign.
		if m.UTCOffset < -12 || m.UTCOffset > 14 || m.UTCOffset*2 != math.Trunc(m.UTCOffset*2) {
			t.Errorf("%s: UTC offset %v", m.Name, m.UTCOffset)
		}
		if solar := m.Lon / 15; math.Abs(solar-m.UTCOffset) > 2.5 {
			t.Errorf("%s: lon %v is solar UTC%+.1f, far from its offset %v", m.Name, m.Lon, solar, m.UTCOffset)
		}
		// Every viewer has a POP within 1000 km, as on CloudFront's map.
		i := nearest(pops, m.Lat, m.Lon)
		if d := GreatCircleKm(m.Lat, m.Lon, pops[i].Lat, pops[i].Lon); d > 1000 {
			t.Errorf("%s: nearest POP %s is %.0f km away", m.Name, pops[i].Name, d)
		}
	}
	for _, tag := range []string{"us-east", "us-central", "us-west", "sa-east", "eu-west", "eu-central", "me-central",
		"af-south", "ap-south", "ap-southeast", "ap-east", "ap-northeast", "oc-east"} {
		if regions[tag] == 0 {
			t.Errorf("no metro tagged %q", tag)
		}
	}
	if len(regions) != 13 {
		t.Errorf("region tags %v, want the 13 above", regions)
	}
	for _, want := range []struct {
		name             string
		lat, lon, offset float64
		region           string
	}{
		{"Tokyo", 35.68, 139.69, 9, "ap-northeast"},
		{"Mumbai", 19.08, 72.88, 5.5, "ap-south"},
		{"São Paulo", -23.55, -46.63, -3, "sa-east"},
		{"New York", 40.71, -74.01, -5, "us-east"},
	} {
		i := slices.IndexFunc(metros, func(m workload.Metro) bool { return m.Name == want.name })
		if i < 0 {
			t.Errorf("no metro %s", want.name)
			continue
		}
		if m := metros[i]; m.Lat != want.lat || m.Lon != want.lon || m.UTCOffset != want.offset || m.Region != want.region {
			t.Errorf("%+v, want %+v", m, want)
		}
	}
}

func TestCloudFrontFullLayout(t *testing.T) {
	t.Parallel()
	pops, regions := CloudFrontFullSites()
	_, like := CloudFrontLikeSites()
	if !slices.Equal(regions, like) {
		t.Fatalf("the full footprint's regional caches differ from cloudfront-like's")
	}
	// The February 2024 list: 631 edge locations outside mainland China in
	// 100 metro areas, 424 of them in price class 100 and 154 more in 200.
	areas := map[string][]Site{}
	byClass := map[PriceClass]int{}
	names := map[string]bool{}
	for _, p := range pops {
		if names[p.Name] || p.Area == "" || p.Name[:len(p.Area)] != p.Area || p.Region == "" {
			t.Fatalf("POP %+v: duplicate, or not named after its area, or no region", p)
		}
		names[p.Name] = true
		areas[p.Area] = append(areas[p.Area], p)
		byClass[p.PriceClass]++
	}
	if len(pops) != 631 || len(areas) != 100 {
		t.Errorf("%d POPs in %d areas, want 631 in 100", len(pops), len(areas))
	}
	if byClass[PriceClass100] != 424 || byClass[PriceClass200] != 154 || byClass[PriceClassAll] != 53 {
		t.Errorf("POPs by smallest price class %v, want 100: 424, 200: 154, all: 53", byClass)
	}
	for area, n := range map[string]int{"IAD": 23, "LHR": 32, "NRT": 26, "FRA": 18, "SYD": 4, "PMO": 1} {
		ps := areas[area]
		if len(ps) != n {
			t.Errorf("area %s has %d POPs, want %d", area, len(ps), n)
		}
		for _, p := range ps {
			if p.Lat != ps[0].Lat || p.Lon != ps[0].Lon || p.Region != ps[0].Region || p.PriceClass != ps[0].PriceClass {
				t.Errorf("%s and %s of one area differ: %+v, %+v", ps[0].Name, p.Name, ps[0], p)
			}
		}
	}
	for area, c := range map[string]PriceClass{"IAD": PriceClass100, "QRO": PriceClass100, "TLV": PriceClass100,
		"IST": PriceClass200, "NRT": PriceClass200, "BOM": PriceClass200, "JNB": PriceClass200, "HKG": PriceClass200,
		"GRU": PriceClassAll, "SYD": PriceClassAll, "AKL": PriceClassAll} {
		if got := areas[area][0].PriceClass; got != c {
			t.Errorf("area %s is in price class %v, want %v", area, got, c)
		}
	}
	if c := PriceClassAt(-33.87, 151.21); c != PriceClassAll {
		t.Errorf("a POP in Sydney is in price class %v, want all", c)
	}
	if c := PriceClassAt(19.43, -99.13); c != PriceClass100 {
		t.Errorf("a POP in Mexico City is in price class %v, want 100", c)
	}
	// The cloudfront-like cities' classes agree with the full footprint's.
	likePOPs, _ := CloudFrontLikeSites()
	for _, p := range likePOPs {
		if p.Name == "CAI" { // Egypt is in 200; its nearest listed area is Tel Aviv's (100)
			if p.PriceClass != PriceClass200 {
				t.Errorf("CAI in price class %v, want 200", p.PriceClass)
			}
			continue
		}
		if c := PriceClassAt(p.Lat, p.Lon); c != p.PriceClass {
			t.Errorf("cloudfront-like %s in price class %v, the full footprint's nearest area in %v", p.Name, p.PriceClass, c)
		}
	}
}
