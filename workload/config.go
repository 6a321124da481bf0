package workload

import (
	"strconv"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// Config describes a synthetic workload. The toml tags give each field's key
// in a scenario file; Validate names fields by the same keys
// ("classes[1].size_median"), so the scenario layer can attach line numbers.
// Durations are time.Duration so TOML can write them as "24h".
type Config struct {
	// Duration is the length of the stream: requests have 0 ≤ Time < Duration.
	Duration time.Duration `toml:"duration"`
	// StartUTCHour is the UTC hour of day (0 ≤ h < 24) at virtual time 0.
	// Spike times are virtual, so with StartUTCHour 0 a spike at 13h is at
	// 13:00 UTC.
	StartUTCHour float64 `toml:"start_utc_hour"`
	// Diurnal is the daily load curve, the same in every metro's local time.
	Diurnal Diurnal `toml:"diurnal"`
	// Metros are where viewers are; each request comes from one of them.
	Metros []Metro `toml:"metros"`
	// Classes are the content classes; Request.Class indexes this slice.
	Classes []Class `toml:"classes"`
	// Spikes are scheduled viral events.
	Spikes []Spike `toml:"spikes"`
	// RandomSpikes are viral events at random times: each entry is a
	// Poisson process of spikes, drawn when the generator is built.
	RandomSpikes []RandomSpike `toml:"random_spikes"`
	// AcceptEncoding is the viewers' mix of accepted encodings, which
	// matters where a behaviour compresses; nil: DefaultAcceptEncoding.
	AcceptEncoding *AcceptEncoding `toml:"accept_encoding"`
}

// Diurnal is a daily load curve applied in each metro's local time, either
// a sinusoid — a metro's relative load at local hour h is
// 1 + Amplitude·cos(2π(h − PeakHour)/24) — or a 24-point Table. Either way
// its daily mean is 1, so configured rates are daily means.
type Diurnal struct {
	// Amplitude in [0, 1): 0 is flat; 0.5 makes the peak 3× the trough.
	Amplitude float64 `toml:"amplitude"`
	// PeakHour is the local hour of day of the maximum, in [0, 24).
	PeakHour float64 `toml:"peak_hour"`
	// Table, instead of Amplitude and PeakHour, gives the relative load at
	// each local hour 0:00, 1:00, …, 23:00 (24 values > 0), linearly
	// interpolated between hours (23:00 to 0:00 wraps) and scaled so the
	// daily mean is 1: only the ratios matter. Values must be > 0 because
	// requests whose rate does not follow the curve (spikes, births without
	// birth_diurnal) still need a metro to come from at every hour.
	Table []float64 `toml:"table"`
}

// tableHours is the length of Diurnal.Table.
const tableHours = 24

// Metro is a viewer population centre.
type Metro struct {
	Name string  `toml:"name"`
	Lat  float64 `toml:"lat"` // degrees north, [−90, 90]
	Lon  float64 `toml:"lon"` // degrees east, [−180, 180]
	// Weight is the metro's share of the load (relative, > 0), before the
	// diurnal curve shifts the mix.
	Weight float64 `toml:"weight"`
	// UTCOffset is local time minus UTC in hours (e.g. −5, 5.5, 9).
	UTCOffset float64 `toml:"utc_offset"`
	// Region is an optional tag ("us-east", "eu-west") that spikes use to
	// name a home region.
	Region string `toml:"region"`
}

// Popularity kinds of a Class.
const (
	// PopZipf is the independent reference model over a fixed catalog.
	PopZipf = "zipf"
	// PopDecay is shot noise: objects are born, get a burst of requests
	// following a profile, and fade (Traverso et al., "Temporal locality in
	// today's content caching: why it matters and how to model it", 2013).
	PopDecay = "decay"
)

// Profiles of decay objects: the shape h of the request rate over an object's
// age a, as a density in x = a/Lifetime with ∫h = 1.
const (
	// ProfileExponential is h(x) = e^−x: Lifetime is the mean request age
	// and the half-life is Lifetime·ln 2.
	ProfileExponential = "exponential"
	// ProfilePowerLaw is h(x) = (β−1)(1+x)^−β with β = ProfileShape > 1: a
	// long tail of late requests.
	ProfilePowerLaw = "powerlaw"
	// ProfileRectangular is h(x) = 1 on [0, 1): uniform over Lifetime.
	ProfileRectangular = "rectangular"
)

// Class is a content class: a URL path prefix with its own sizes and
// popularity. Which of the popularity fields apply depends on Popularity.
type Class struct {
	Name string `toml:"name"`
	// Prefix is the URL path prefix, e.g. "/static/"; an object's path is
	// Prefix followed by its decimal ID.
	Prefix string `toml:"prefix"`
	// CacheControl is the origin's Cache-Control header for the class
	// ("max-age=86400"); passed through, not interpreted here.
	CacheControl string `toml:"cache_control"`
	// SizeMedian is the median object size in bytes (> 0). Sizes are
	// lognormal and a fixed function of (seed, class, object).
	SizeMedian float64 `toml:"size_median"`
	// SizeSigma is the lognormal σ of ln(size) (≥ 0; 0 = every object
	// SizeMedian bytes).
	SizeSigma float64 `toml:"size_sigma"`
	// SizeMax caps sizes in bytes (0 = no cap).
	SizeMax int64 `toml:"size_max"`
	// Methods gives non-GET shares (e.g. {POST, 0.3}); the rest is GET.
	Methods []MethodShare `toml:"methods"`
	// DynamicShare is the share of the class's requests that are dynamic
	// (personalised by a cookie or header the cache key includes, so no CDN
	// tier can serve them from cache): Request.Dynamic. In [0, 1].
	DynamicShare float64 `toml:"dynamic_share"`
	// Sends is what the class's viewers send beyond the URL: query
	// parameters, a cookie, a header (see Variant). Zero: nothing.
	Sends Sends `toml:"sends"`
	// ContentType is the responses' Content-Type ("text/html"): it decides
	// whether a behaviour with compression compresses them.
	ContentType string `toml:"content_type"`
	// GzipRatio and BrRatio are the compressed size over the original
	// for the class's responses (0: the content type's default).
	GzipRatio float64 `toml:"gzip_ratio"`
	BrRatio   float64 `toml:"br_ratio"`
	// Expires, when set, is the origin's Expires header as an offset from
	// the response's Date ("1h"; negative: already expired), passed through
	// like CacheControl; it sets the TTL when CacheControl has no max-age.
	Expires *time.Duration `toml:"expires"`
	// OriginErrors are shares of the class's objects its origin answers
	// with an error status (404 for URLs that do not exist, 403 for those
	// it refuses); passed through, like CacheControl.
	OriginErrors []StatusShare `toml:"origin_errors"`

	// Range requests (see Ranges): shares of the class's GETs, each in
	// [0, 1]. RangeSeekShare start at a uniformly drawn byte (a seek in a
	// video, a resumed download); RangeStopShare stop early, after a
	// uniform share of the bytes from their start (a viewer who stops
	// watching); RangeParallelShare are split into RangeParts ranges
	// requested at once (a download manager's parallel connections).
	RangeSeekShare     float64 `toml:"range_seek_share"`
	RangeStopShare     float64 `toml:"range_stop_share"`
	RangeParallelShare float64 `toml:"range_parallel_share"`
	// RangeParts is how many parts a parallel download asks for, in
	// [2, MaxRangeParts]; required when RangeParallelShare > 0.
	RangeParts int `toml:"range_parts"`

	// Popularity is PopZipf or PopDecay.
	Popularity string `toml:"popularity"`

	// Objects is the zipf catalog size N (> 0). Zipf only.
	Objects uint64 `toml:"objects"`
	// Alpha is the Zipf exponent (> 0; CDN traffic is typically 0.6–1.0).
	// Zipf only.
	Alpha float64 `toml:"alpha"`
	// Rate is the class's daily mean request rate in requests per second,
	// modulated by the diurnal curve. Zipf only.
	Rate float64 `toml:"rate"`

	// BirthRate is the daily mean rate at which new objects appear, per
	// hour. Decay only.
	BirthRate float64 `toml:"birth_rate"`
	// BirthDiurnal modulates births by the diurnal curve (news is published
	// in the day). Decay only.
	BirthDiurnal bool `toml:"birth_diurnal"`
	// Volume is the distribution of an object's expected total requests.
	// Decay only.
	Volume Volume `toml:"volume"`
	// Lifetime is the profile's time scale L (> 0). Decay only.
	Lifetime time.Duration `toml:"lifetime"`
	// Profile is ProfileExponential (default when empty), ProfilePowerLaw or
	// ProfileRectangular. Decay only.
	Profile string `toml:"profile"`
	// ProfileShape is the power-law exponent β (> 1). Power law only.
	ProfileShape float64 `toml:"profile_shape"`
}

// MethodShare is the fraction of a class's requests using Method.
type MethodShare struct {
	Method string  `toml:"method"` // "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"
	Share  float64 `toml:"share"`  // in (0, 1]; a class's shares sum to ≤ 1
}

// StatusShare is the share of a class's objects answered with Status.
type StatusShare struct {
	Status int     `toml:"status"`
	Share  float64 `toml:"share"`
}

// Volume distributions.
const (
	VolumeLognormal = "lognormal"
	VolumePareto    = "pareto"
)

// Volume is the distribution of a decay object's expected request count V;
// the realised count is Poisson(V).
type Volume struct {
	// Dist is VolumeLognormal (default when empty) or VolumePareto.
	Dist string `toml:"dist"`
	// Mean is E[V] in requests (> 0).
	Mean float64 `toml:"mean"`
	// Sigma is the lognormal σ of ln V (≥ 0). Lognormal only.
	Sigma float64 `toml:"sigma"`
	// Shape is the Pareto tail index (> 1, so the mean exists). Pareto only.
	Shape float64 `toml:"shape"`
}

// Spike is a scheduled viral event: Volume extra requests (in expectation;
// the count is Poisson) at a rate that ramps up linearly for Rise and then
// decays exponentially with HalfLife.
//
// A breaking story is rarely one object: it comes with a video's segments,
// photos and live updates (Objects, picked by Zipf(ObjectAlpha)), and the
// flash crowd also browses the rest of the site (Browse). The new objects
// and the browsing miss in the caches while the hot objects displace other
// content; that, not the hot object itself, is what loads the origin.
type Spike struct {
	Name string `toml:"name"`
	// At is the start of the ramp, in virtual time from the stream start.
	At time.Duration `toml:"at"`
	// Class names the content class of the spike's objects. For a decay
	// class Objects new objects are born at At; for a zipf class they are
	// the existing objects at ranks Rank, Rank+1, ….
	Class string `toml:"class"`
	// Rank is the popularity rank of the first object within a zipf class
	// (0 = most popular; its ID is the class's first ID + Rank). Zipf
	// classes only.
	Rank uint64 `toml:"rank"`
	// Objects is the number of objects the story consists of (e.g. a
	// video's segments); 0 means 1. Their IDs are consecutive. For a zipf
	// class Rank+Objects must not exceed the class's objects.
	Objects uint64 `toml:"objects"`
	// ObjectAlpha is the Zipf exponent with which a spike request picks one
	// of the Objects (the first object is the most popular); 0 means 0.8.
	ObjectAlpha float64 `toml:"object_alpha"`
	// Volume is the expected number of extra requests (> 0), the browsing
	// included.
	Volume float64 `toml:"volume"`
	// Browse is the share of Volume, in [0, 1), that is follow-on browsing:
	// those requests keep the spike's timing and home-region mix but pick
	// their object as an ordinary request of the normal mix would (see
	// Generator). 0: every extra request goes to the spike's objects.
	Browse float64 `toml:"browse"`
	// Rise is the linear ramp from 0 to the peak rate (≥ 0).
	Rise time.Duration `toml:"rise"`
	// HalfLife is the half-life of the decay after the peak (> 0).
	HalfLife time.Duration `toml:"half_life"`
	// HomeRegion optionally names a Metro.Region; HomeShare of the spike's
	// requests come from that region's metros and the rest from the others,
	// each side by metro weight. Empty: the spike follows the normal mix.
	HomeRegion string  `toml:"home_region"`
	HomeShare  float64 `toml:"home_share"` // in [0, 1]
}

// RandomSpike is a Poisson process of viral spikes: at mean Rate a day, at
// times uniform over the stream, a story of Objects new objects of a decay
// class draws a volume of extra requests from Volume (capped at 1e8) and
// then behaves as a scheduled Spike with the same Rise, HalfLife, Browse and
// home region. The k-th spike (from 1) is named Name-k, e.g. "viral-3".
type RandomSpike struct {
	// Name prefixes the spikes' names; empty means "viral".
	Name string `toml:"name"`
	// Class names a decay class: each spike's objects are born in it.
	Class string `toml:"class"`
	// Rate is the mean number of spikes a day (> 0).
	Rate float64 `toml:"rate"`
	// Volume is the distribution of a spike's expected extra requests, the
	// browsing included (as Class.Volume: lognormal or Pareto, mean ≤ 1e8).
	Volume Volume `toml:"volume"`
	// Objects, ObjectAlpha, Browse, Rise and HalfLife are as in Spike.
	Objects     uint64        `toml:"objects"`
	ObjectAlpha float64       `toml:"object_alpha"`
	Browse      float64       `toml:"browse"`
	Rise        time.Duration `toml:"rise"`
	HalfLife    time.Duration `toml:"half_life"`
	// HomeShare in [0, 1] of each spike's requests come from its home
	// region. HomeRegion fixes that region; when it is empty and HomeShare
	// is > 0, each spike picks its home among the metros' region tags with
	// probability proportional to the region's total metro weight. With
	// HomeShare 0 and no HomeRegion the spikes follow the normal metro mix.
	HomeRegion string  `toml:"home_region"`
	HomeShare  float64 `toml:"home_share"`
}

// defaultRandomSpikeName is RandomSpike.Name's default.
const defaultRandomSpikeName = "viral"

// maxRandomSpikes bounds a RandomSpike's expected count over the stream:
// the spikes are drawn up front and each holds a live entry until it has
// been requested, so their number is memory.
const maxRandomSpikes = 1e6

// name is Name with its default applied.
func (s RandomSpike) name() string {
	if s.Name == "" {
		return defaultRandomSpikeName
	}
	return s.Name
}

// spike is rs's k-th spike (from 1), starting at at with expected volume
// vol and home region home: from here on a random spike is a scheduled one.
func (rs RandomSpike) spike(k int, at time.Duration, vol float64, home string) Spike {
	return Spike{
		Name:        rs.name() + "-" + strconv.Itoa(k),
		At:          at,
		Class:       rs.Class,
		Objects:     rs.Objects,
		ObjectAlpha: rs.ObjectAlpha,
		Volume:      vol,
		Browse:      rs.Browse,
		Rise:        rs.Rise,
		HalfLife:    rs.HalfLife,
		HomeRegion:  home,
		HomeShare:   rs.HomeShare,
	}
}

// Defaults of Spike fields left at zero.
const (
	defaultSpikeObjects     = 1
	defaultSpikeObjectAlpha = 0.8 // a typical CDN popularity exponent
	// maxSpikeObjects bounds Objects: the objects cost no memory (a request
	// draws its object), but the IDs must not overflow, and a story of more
	// objects than the 1e8 requests Volume allows is not a story.
	maxSpikeObjects = 1e8
	// maxSpikeVolume is the largest Volume: Poisson counts are held in 32
	// bits per live entry.
	maxSpikeVolume = 1e8
)

// objects is Objects with its default applied.
func (s Spike) objects() uint64 {
	if s.Objects == 0 {
		return defaultSpikeObjects
	}
	return s.Objects
}

// objectAlpha is ObjectAlpha with its default applied.
func (s Spike) objectAlpha() float64 {
	if s.ObjectAlpha == 0 {
		return defaultSpikeObjectAlpha
	}
	return s.ObjectAlpha
}

// ExpectedRequests is the expected number of requests the generator emits,
// to size a progress bar: zipf rates integrated over the diurnal curve, plus
// decay births times mean volume times the share of each object's profile
// that falls before the end, plus the same for spikes. It assumes c is valid.
func (c Config) ExpectedRequests() float64 {
	d := newDiurnalCurve(c)
	end := sim.Duration(c.Duration)
	var total float64
	for slot := int64(0); sim.Time(slot)*slotLen < end; slot++ {
		start := sim.Time(slot) * slotLen
		width := min(slotLen, end-start)
		mid := start + width/2
		f := d.factor(mid)
		secs := width.Seconds()
		for _, cl := range c.Classes {
			switch cl.Popularity {
			case PopZipf:
				total += cl.Rate * f * secs
			case PopDecay:
				births := cl.BirthRate / 3600 * secs
				if cl.BirthDiurnal {
					births *= f
				}
				p := newProfile(cl)
				total += births * cl.Volume.Mean * p.cdf(float64(end-mid))
			}
		}
	}
	for _, s := range c.Spikes {
		at := sim.Duration(s.At)
		if at >= end {
			continue
		}
		p := newSpikeProfile(s)
		total += s.Volume * p.cdf(float64(end-at))
	}
	// Random spikes: rate × mean volume × the share that falls before the
	// end, integrated over start times slot by slot.
	for _, rs := range c.RandomSpikes {
		p := newSpikeProfile(rs.spike(0, 0, 0, ""))
		perNs := rs.Rate / float64(24*sim.Hour)
		for start := sim.Time(0); start < end; start += slotLen {
			width := min(slotLen, end-start)
			total += perNs * float64(width) * rs.Volume.Mean * p.cdf(float64(end-start-width/2))
		}
	}
	return total
}
