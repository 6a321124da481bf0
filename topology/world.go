package topology

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"

	"github.com/cdnsim/cdnsim/workload"
)

// The built-in world: public facts (airport and city coordinates, time
// zones, rough populations) kept in CSV files compiled into the binary.
// Each file names its sources in its header comment.
//
//go:embed world/*.csv
var worldFS embed.FS

// Site is a named place of the built-in layout: a POP (Name is an IATA
// airport code) or a regional edge cache (Name is an AWS region).
type Site struct {
	Name     string
	City     string
	Lat, Lon float64
	// Region is the regional edge cache a POP is attached to (the nearest
	// one by great circle); empty for a regional cache.
	Region string
	// Area is the metro area a POP shares with the other POPs there (the
	// cloudfront-full preset); PriceClass the smallest price class that
	// includes the POP.
	Area       string
	PriceClass PriceClass
}

type world struct {
	pops, regions []Site
	// full is CloudFront's whole footprint: every edge location of every
	// metro area (the cloudfront-full preset).
	full   []Site
	metros []workload.Metro
}

// loadWorld parses the embedded files once. They are part of the program,
// so a parse error is a broken build, not bad input: it panics.
var loadWorld = sync.OnceValue(func() world {
	var w world
	for _, r := range readCSV("world/regions.csv", "name", "city", "lat", "lon") {
		w.regions = append(w.regions, Site{Name: r.str("name"), City: r.str("city"), Lat: r.num("lat"), Lon: r.num("lon")})
	}
	for _, r := range readCSV("world/pops.csv", "name", "city", "lat", "lon", "price_class") {
		p := Site{Name: r.str("name"), City: r.str("city"), Lat: r.num("lat"), Lon: r.num("lon"), PriceClass: r.class()}
		p.Region = w.regions[nearest(w.regions, p.Lat, p.Lon)].Name
		w.pops = append(w.pops, p)
	}
	for _, r := range readCSV("world/edge-locations.csv", "area", "city", "lat", "lon", "pops", "price_class") {
		a := Site{City: r.str("city"), Lat: r.num("lat"), Lon: r.num("lon"), Area: r.str("area"), PriceClass: r.class()}
		a.Region = w.regions[nearest(w.regions, a.Lat, a.Lon)].Name
		for i := range int(r.num("pops")) {
			a.Name = fmt.Sprintf("%s%d", a.Area, i+1)
			w.full = append(w.full, a)
		}
	}
	for _, r := range readCSV("world/metros.csv", "name", "lat", "lon", "utc_offset", "weight", "region") {
		w.metros = append(w.metros, workload.Metro{Name: r.str("name"), Lat: r.num("lat"), Lon: r.num("lon"),
			UTCOffset: r.num("utc_offset"), Weight: r.num("weight"), Region: r.str("region")})
	}
	return w
})

// nearest is the index of the site closest to (lat, lon) by great circle;
// ties go to the earlier site, so the answer does not depend on map order.
func nearest(sites []Site, lat, lon float64) int {
	best, bestKm := -1, math.Inf(1)
	for i, s := range sites {
		if km := GreatCircleKm(lat, lon, s.Lat, s.Lon); km < bestKm {
			best, bestKm = i, km
		}
	}
	return best
}

// CloudFrontLikeSites returns the built-in POP and regional-cache layout
// modelled on CloudFront's public footprint, with each POP's Region set to
// its nearest regional edge cache. The slices are fresh copies.
func CloudFrontLikeSites() (pops, regions []Site) {
	w := loadWorld()
	return append([]Site(nil), w.pops...), append([]Site(nil), w.regions...)
}

// CloudFrontFullSites returns CloudFront's published footprint: 631 POPs
// in 100 metro areas (several in the big ones: IAD1…IAD23 share the area
// IAD and its coordinates), each attached to its nearest regional edge
// cache, and the 13 regional edge caches. The slices are fresh copies.
func CloudFrontFullSites() (pops, regions []Site) {
	w := loadWorld()
	return append([]Site(nil), w.full...), append([]Site(nil), w.regions...)
}

// PriceClassAt is the price class of the built-in footprint's metro area
// nearest (lat, lon): the class a POP listed by hand there is in.
func PriceClassAt(lat, lon float64) PriceClass {
	w := loadWorld()
	return w.full[nearest(w.full, lat, lon)].PriceClass
}

// PresetCloudFrontLike returns the built-in layout as configuration: POPs
// attached to their nearest regional edge cache, and the 13 regional edge
// caches. Caches are left zero for the caller to fill in.
func PresetCloudFrontLike() (pops []POP, regions []Region) {
	ps, rs := CloudFrontLikeSites()
	for _, p := range ps {
		pops = append(pops, POP{Name: p.Name, Lat: p.Lat, Lon: p.Lon, Region: p.Region, PriceClass: p.PriceClass})
	}
	for _, r := range rs {
		regions = append(regions, Region{Name: r.Name, Lat: r.Lat, Lon: r.Lon})
	}
	return pops, regions
}

// WorldMetros returns the built-in world's viewer metros (a fresh copy):
// coordinates, standard UTC offsets, rough viewer weights and region tags
// ("us-east", "eu-west", "ap-northeast", ...).
func WorldMetros() []workload.Metro {
	return append([]workload.Metro(nil), loadWorld().metros...)
}

// class reads a price class column.
func (r csvRow) class() PriceClass {
	c, err := ParsePriceClass(r.str("price_class"))
	if err != nil {
		panic(fmt.Sprintf("topology: %s:%d: %v", r.file, r.line, err))
	}
	return c
}

type csvRow struct {
	file string
	line int
	col  map[string]int
	rec  []string
}

func (r csvRow) str(name string) string { return r.rec[r.col[name]] }

func (r csvRow) num(name string) float64 {
	v, err := strconv.ParseFloat(r.str(name), 64)
	if err != nil {
		panic(fmt.Sprintf("topology: %s:%d: %s: %v", r.file, r.line, name, err))
	}
	return v
}

// readCSV reads an embedded CSV file with '#' comments and a header row
// that must contain want.
func readCSV(file string, want ...string) []csvRow {
	f, err := worldFS.Open(file)
	if err != nil {
		panic("topology: " + err.Error())
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	header, err := cr.Read()
	if err != nil {
		panic(fmt.Sprintf("topology: %s: header: %v", file, err))
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			panic(fmt.Sprintf("topology: %s: no %q column", file, w))
		}
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			panic(fmt.Sprintf("topology: %s: %v", file, err))
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, csvRow{file: file, line: line, col: col, rec: rec})
	}
}
