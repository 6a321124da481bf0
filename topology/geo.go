package topology

import (
	"math"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// earthRadiusKm is the mean Earth radius (IUGG), enough for latency.
const earthRadiusKm = 6371.0

// GreatCircleKm is the haversine distance between two points in degrees.
func GreatCircleKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Latency is the round-trip model: light in fibre covers KmPerMs kilometres
// a millisecond (200, two thirds of c), real routes are Inflation times the
// great circle, and every hop adds PerHop of queueing, serialisation and
// last-mile access. Links overrides single pairs.
type Latency struct {
	KmPerMs   float64       // default 200
	Inflation float64       // default 1.5: cables and peering rarely follow the great circle
	PerHop    time.Duration // default 2ms
	Links     []Link
}

// Link fixes the RTT between two named places (a metro, POP, region or
// origin), e.g. from a measurement.
type Link struct {
	From, To string
	RTT      time.Duration
}

func (l Latency) withDefaults() Latency {
	if l.KmPerMs == 0 {
		l.KmPerMs = 200
	}
	if l.Inflation == 0 {
		l.Inflation = 1.5
	}
	if l.PerHop == 0 {
		l.PerHop = 2 * time.Millisecond
	}
	return l
}

// RTT is the modelled round-trip time between two points.
func (l Latency) RTT(lat1, lon1, lat2, lon2 float64) sim.Time {
	km := GreatCircleKm(lat1, lon1, lat2, lon2) * l.Inflation
	oneWay := km / l.KmPerMs // ms
	return sim.Time(2*oneWay*float64(sim.Millisecond)) + sim.Duration(l.PerHop)
}
