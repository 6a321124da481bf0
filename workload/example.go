package workload

import "time"

// NewsSpikeExample is a day of a news site's traffic, ~5.9 million requests:
// static assets (Zipf α 0.8 over 200k objects, ~55% of requests), articles
// born through the day whose popularity decays over hours (~35%), a few
// video clips (2 MB objects, ~1%), and at 13:00 UTC a breaking story with
// a video drawing ~600k extra requests, 70% of them from the US east coast:
// 70% of those go to the video's 1500 segments (300 in each of 5
// renditions), 30% browse the rest of the site. The segments (~3 GB) do not
// fit a 1 GB POP cache, so the story both misses itself and pushes other
// content out: origin load rises and edge hit ratios dip for a few hours.
// Viewers come from 40 real metros; weights are plausible for an
// English-language site, UTC offsets are standard time.
func NewsSpikeExample() Config {
	return Config{
		Duration:     24 * time.Hour,
		StartUTCHour: 0,
		Diurnal:      Diurnal{Amplitude: 0.5, PeakHour: 14},
		Metros:       exampleMetros(),
		Classes: []Class{
			{
				Name:         "static",
				Prefix:       "/static/",
				CacheControl: "public, max-age=86400",
				SizeMedian:   20 << 10,
				SizeSigma:    1.2,
				SizeMax:      20 << 20,
				Popularity:   PopZipf,
				Objects:      200_000,
				Alpha:        0.8,
				Rate:         38.2, // ≈ 3.3M requests a day
			},
			{
				Name:         "articles",
				Prefix:       "/news/",
				CacheControl: "public, max-age=300",
				SizeMedian:   80 << 10,
				SizeSigma:    0.5,
				Popularity:   PopDecay,
				BirthRate:    300,
				BirthDiurnal: true,
				Volume:       Volume{Dist: VolumeLognormal, Mean: 305, Sigma: 1.5},
				Lifetime:     3 * time.Hour,
				Profile:      ProfileExponential,
			},
			{
				Name:         "video",
				Prefix:       "/video/",
				CacheControl: "public, max-age=86400",
				SizeMedian:   2 << 20,
				SizeSigma:    0.3,
				Popularity:   PopDecay,
				BirthRate:    2,
				BirthDiurnal: true,
				Volume:       Volume{Dist: VolumeLognormal, Mean: 2000, Sigma: 1},
				Lifetime:     6 * time.Hour,
				Profile:      ProfileExponential,
			},
		},
		Spikes: []Spike{{
			Name:        "breaking-news",
			At:          13 * time.Hour,
			Class:       "video",
			Objects:     1500,
			ObjectAlpha: 0.6,
			Volume:      600_000,
			Browse:      0.3,
			Rise:        10 * time.Minute,
			HalfLife:    45 * time.Minute,
			HomeRegion:  "us-east",
			HomeShare:   0.7,
		}},
	}
}

func exampleMetros() []Metro {
	return []Metro{
		{Name: "New York", Lat: 40.71, Lon: -74.01, Weight: 8, UTCOffset: -5, Region: "us-east"},
		{Name: "Washington", Lat: 38.91, Lon: -77.04, Weight: 4, UTCOffset: -5, Region: "us-east"},
		{Name: "Boston", Lat: 42.36, Lon: -71.06, Weight: 3, UTCOffset: -5, Region: "us-east"},
		{Name: "Atlanta", Lat: 33.75, Lon: -84.39, Weight: 3, UTCOffset: -5, Region: "us-east"},
		{Name: "Miami", Lat: 25.76, Lon: -80.19, Weight: 3, UTCOffset: -5, Region: "us-east"},
		{Name: "Toronto", Lat: 43.65, Lon: -79.38, Weight: 3, UTCOffset: -5, Region: "us-east"},
		{Name: "Chicago", Lat: 41.88, Lon: -87.63, Weight: 4, UTCOffset: -6, Region: "us-central"},
		{Name: "Dallas", Lat: 32.78, Lon: -96.80, Weight: 3, UTCOffset: -6, Region: "us-central"},
		{Name: "Houston", Lat: 29.76, Lon: -95.37, Weight: 2.5, UTCOffset: -6, Region: "us-central"},
		{Name: "Mexico City", Lat: 19.43, Lon: -99.13, Weight: 3, UTCOffset: -6, Region: "us-central"},
		{Name: "Denver", Lat: 39.74, Lon: -104.99, Weight: 2, UTCOffset: -7, Region: "us-west"},
		{Name: "Phoenix", Lat: 33.45, Lon: -112.07, Weight: 2, UTCOffset: -7, Region: "us-west"},
		{Name: "Los Angeles", Lat: 34.05, Lon: -118.24, Weight: 5, UTCOffset: -8, Region: "us-west"},
		{Name: "San Francisco", Lat: 37.77, Lon: -122.42, Weight: 3, UTCOffset: -8, Region: "us-west"},
		{Name: "Seattle", Lat: 47.61, Lon: -122.33, Weight: 2.5, UTCOffset: -8, Region: "us-west"},
		{Name: "São Paulo", Lat: -23.55, Lon: -46.63, Weight: 4, UTCOffset: -3, Region: "sa-east"},
		{Name: "Buenos Aires", Lat: -34.60, Lon: -58.38, Weight: 2, UTCOffset: -3, Region: "sa-east"},
		{Name: "Santiago", Lat: -33.45, Lon: -70.67, Weight: 1.5, UTCOffset: -4, Region: "sa-east"},
		{Name: "Bogotá", Lat: 4.71, Lon: -74.07, Weight: 1.5, UTCOffset: -5, Region: "sa-east"},
		{Name: "London", Lat: 51.51, Lon: -0.13, Weight: 6, UTCOffset: 0, Region: "eu-west"},
		{Name: "Dublin", Lat: 53.35, Lon: -6.26, Weight: 1, UTCOffset: 0, Region: "eu-west"},
		{Name: "Paris", Lat: 48.86, Lon: 2.35, Weight: 4, UTCOffset: 1, Region: "eu-west"},
		{Name: "Madrid", Lat: 40.42, Lon: -3.70, Weight: 2.5, UTCOffset: 1, Region: "eu-west"},
		{Name: "Amsterdam", Lat: 52.37, Lon: 4.90, Weight: 2, UTCOffset: 1, Region: "eu-west"},
		{Name: "Frankfurt", Lat: 50.11, Lon: 8.68, Weight: 3, UTCOffset: 1, Region: "eu-central"},
		{Name: "Milan", Lat: 45.46, Lon: 9.19, Weight: 2, UTCOffset: 1, Region: "eu-central"},
		{Name: "Warsaw", Lat: 52.23, Lon: 21.01, Weight: 1.5, UTCOffset: 1, Region: "eu-central"},
		{Name: "Stockholm", Lat: 59.33, Lon: 18.07, Weight: 1.5, UTCOffset: 1, Region: "eu-central"},
		{Name: "Istanbul", Lat: 41.01, Lon: 28.98, Weight: 2, UTCOffset: 3, Region: "me-central"},
		{Name: "Dubai", Lat: 25.20, Lon: 55.27, Weight: 1, UTCOffset: 4, Region: "me-central"},
		{Name: "Johannesburg", Lat: -26.20, Lon: 28.05, Weight: 1, UTCOffset: 2, Region: "af-south"},
		{Name: "Lagos", Lat: 6.52, Lon: 3.38, Weight: 1.5, UTCOffset: 1, Region: "af-south"},
		{Name: "Mumbai", Lat: 19.08, Lon: 72.88, Weight: 3, UTCOffset: 5.5, Region: "ap-south"},
		{Name: "Delhi", Lat: 28.61, Lon: 77.21, Weight: 3, UTCOffset: 5.5, Region: "ap-south"},
		{Name: "Singapore", Lat: 1.35, Lon: 103.82, Weight: 1.5, UTCOffset: 8, Region: "ap-southeast"},
		{Name: "Jakarta", Lat: -6.21, Lon: 106.85, Weight: 2, UTCOffset: 7, Region: "ap-southeast"},
		{Name: "Hong Kong", Lat: 22.32, Lon: 114.17, Weight: 1.5, UTCOffset: 8, Region: "ap-east"},
		{Name: "Tokyo", Lat: 35.68, Lon: 139.69, Weight: 5, UTCOffset: 9, Region: "ap-northeast"},
		{Name: "Seoul", Lat: 37.57, Lon: 126.98, Weight: 2.5, UTCOffset: 9, Region: "ap-northeast"},
		{Name: "Sydney", Lat: -33.87, Lon: 151.21, Weight: 2, UTCOffset: 10, Region: "oc-east"},
	}
}
