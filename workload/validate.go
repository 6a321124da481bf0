package workload

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// FieldError is one invalid field. Key is the TOML key path, e.g.
// "classes[1].size_median".
type FieldError struct {
	Key string
	Msg string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

// Validate checks every field and returns nil or the errors.Join of one
// *FieldError per problem, in field order.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	checkVolume := func(k string, v Volume) {
		switch v.Dist {
		case "", VolumeLognormal:
			if !(v.Sigma >= 0) || !finite(v.Sigma) {
				bad(k+"sigma", "must be >= 0")
			}
		case VolumePareto:
			if !(v.Shape > 1) || !finite(v.Shape) {
				bad(k+"shape", "must be > 1")
			}
		default:
			bad(k+"dist", "must be %q or %q", VolumeLognormal, VolumePareto)
		}
		// Poisson counts are held in 32 bits per live object.
		if !(v.Mean > 0 && v.Mean <= 1e8) {
			bad(k+"mean", "must be in (0, 1e8]")
		}
	}

	if c.Duration <= 0 {
		bad("duration", "must be > 0")
	}
	if !(c.StartUTCHour >= 0 && c.StartUTCHour < 24) {
		bad("start_utc_hour", "must be in [0, 24)")
	}
	if !(c.Diurnal.Amplitude >= 0 && c.Diurnal.Amplitude < 1) {
		bad("diurnal.amplitude", "must be in [0, 1)")
	}
	if !(c.Diurnal.PeakHour >= 0 && c.Diurnal.PeakHour < 24) {
		bad("diurnal.peak_hour", "must be in [0, 24)")
	}
	if c.Diurnal.Table != nil {
		if c.Diurnal.Amplitude != 0 || c.Diurnal.PeakHour != 0 {
			bad("diurnal.table", "give either table or amplitude and peak_hour, not both")
		}
		if n := len(c.Diurnal.Table); n != tableHours {
			bad("diurnal.table", "want %d values, got %d", tableHours, n)
		}
		for i, x := range c.Diurnal.Table {
			if !(x > 0) || !finite(x) {
				bad(fmt.Sprintf("diurnal.table[%d]", i), "must be > 0")
			}
		}
	}

	if len(c.Metros) == 0 {
		bad("metros", "at least one metro is required")
	}
	if len(c.Metros) > math.MaxUint16+1 {
		bad("metros", "at most %d metros", math.MaxUint16+1)
	}
	regions := map[string]bool{}
	for i, m := range c.Metros {
		k := fmt.Sprintf("metros[%d].", i)
		if m.Name == "" {
			bad(k+"name", "must not be empty")
		}
		if !(m.Lat >= -90 && m.Lat <= 90) {
			bad(k+"lat", "must be in [-90, 90]")
		}
		if !(m.Lon >= -180 && m.Lon <= 180) {
			bad(k+"lon", "must be in [-180, 180]")
		}
		if !(m.Weight > 0) || !finite(m.Weight) {
			bad(k+"weight", "must be > 0")
		}
		if !(m.UTCOffset >= -12 && m.UTCOffset <= 14) {
			bad(k+"utc_offset", "must be in [-12, 14] hours")
		}
		if m.Region != "" {
			regions[m.Region] = true
		}
	}
	validateAcceptEncoding(c.AcceptEncoding, bad)

	if len(c.Classes) == 0 {
		bad("classes", "at least one class is required")
	}
	if len(c.Classes) > math.MaxUint8+1 {
		bad("classes", "at most %d classes", math.MaxUint8+1)
	}
	classIdx := map[string]int{}
	var zipfIDs uint64
	for i, cl := range c.Classes {
		k := fmt.Sprintf("classes[%d].", i)
		if cl.Name == "" {
			bad(k+"name", "must not be empty")
		} else if _, dup := classIdx[cl.Name]; dup {
			bad(k+"name", "duplicate class name %q", cl.Name)
		} else {
			classIdx[cl.Name] = i
		}
		if !(cl.SizeMedian > 0) || !finite(cl.SizeMedian) {
			bad(k+"size_median", "must be > 0")
		}
		if !(cl.SizeSigma >= 0) || !finite(cl.SizeSigma) {
			bad(k+"size_sigma", "must be >= 0")
		}
		if cl.SizeMax < 0 {
			bad(k+"size_max", "must be >= 0 (0 = no cap)")
		}
		validateSends(k+"sends.", cl.Sends, bad)
		if !(cl.DynamicShare >= 0 && cl.DynamicShare <= 1) {
			bad(k+"dynamic_share", "must be in [0, 1]")
		}
		for _, sh := range []struct {
			key string
			v   float64
		}{{"range_seek_share", cl.RangeSeekShare}, {"range_stop_share", cl.RangeStopShare}, {"range_parallel_share", cl.RangeParallelShare}} {
			if !(sh.v >= 0 && sh.v <= 1) {
				bad(k+sh.key, "must be in [0, 1]")
			}
		}
		if cl.RangeParts != 0 && (cl.RangeParts < 2 || cl.RangeParts > MaxRangeParts) {
			bad(k+"range_parts", "must be in [2, %d]", MaxRangeParts)
		} else if cl.RangeParallelShare > 0 && cl.RangeParts == 0 {
			bad(k+"range_parts", "must be set (2 to %d) when range_parallel_share > 0", MaxRangeParts)
		}
		var share float64
		for j, ms := range cl.Methods {
			mk := fmt.Sprintf("%smethods[%d].", k, j)
			if m, ok := parseMethod(ms.Method); !ok || m == GET {
				bad(mk+"method", "must be one of HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
			}
			if !(ms.Share > 0 && ms.Share <= 1) {
				bad(mk+"share", "must be in (0, 1]")
			}
			share += ms.Share
		}
		if share > 1+1e-9 {
			bad(k+"methods", "shares sum to %g, more than 1", share)
		}
		switch cl.Popularity {
		case PopZipf:
			if cl.Objects == 0 {
				bad(k+"objects", "must be > 0")
			}
			if !(cl.Alpha > 0) || !finite(cl.Alpha) {
				bad(k+"alpha", "must be > 0")
			}
			if !(cl.Rate > 0) || !finite(cl.Rate) {
				bad(k+"rate", "must be > 0")
			}
			if zipfIDs+cl.Objects < zipfIDs {
				bad(k+"objects", "object ID space overflows")
			}
			zipfIDs += cl.Objects
		case PopDecay:
			if !(cl.BirthRate > 0) || !finite(cl.BirthRate) {
				bad(k+"birth_rate", "must be > 0")
			}
			checkVolume(k+"volume.", cl.Volume)
			if cl.Lifetime <= 0 {
				bad(k+"lifetime", "must be > 0")
			}
			switch cl.Profile {
			case "", ProfileExponential, ProfileRectangular:
			case ProfilePowerLaw:
				if !(cl.ProfileShape > 1) || !finite(cl.ProfileShape) {
					bad(k+"profile_shape", "must be > 1")
				}
			default:
				bad(k+"profile", "must be %q, %q or %q", ProfileExponential, ProfilePowerLaw, ProfileRectangular)
			}
		default:
			bad(k+"popularity", "must be %q or %q", PopZipf, PopDecay)
		}
	}

	// checkShape checks what a spike and a random spike share: k is the
	// key's prefix ("spikes[0].").
	checkShape := func(k string, objects uint64, alpha, browse float64, rise, halfLife time.Duration, home string, share float64) {
		if objects > maxSpikeObjects {
			bad(k+"objects", "must be <= 1e8 (0 = 1)")
		}
		if !(alpha >= 0) || !finite(alpha) {
			bad(k+"object_alpha", "must be > 0 (0 = %g)", defaultSpikeObjectAlpha)
		}
		if !(browse >= 0 && browse < 1) {
			bad(k+"browse", "must be in [0, 1)")
		}
		if rise < 0 {
			bad(k+"rise", "must be >= 0")
		}
		if halfLife <= 0 {
			bad(k+"half_life", "must be > 0")
		}
		if home != "" && !regions[home] {
			bad(k+"home_region", "no metro has region %q", home)
		}
		if !(share >= 0 && share <= 1) {
			bad(k+"home_share", "must be in [0, 1]")
		}
	}
	for i, s := range c.Spikes {
		k := fmt.Sprintf("spikes[%d].", i)
		if s.At < 0 {
			bad(k+"at", "must be >= 0")
		}
		if ci, ok := classIdx[s.Class]; !ok {
			bad(k+"class", "no class named %q", s.Class)
		} else if cl := c.Classes[ci]; cl.Popularity == PopZipf {
			if s.Rank >= cl.Objects {
				bad(k+"rank", "must be < classes[%d].objects (%d)", ci, cl.Objects)
			} else if s.objects() > cl.Objects-s.Rank {
				bad(k+"objects", "rank + objects must be <= classes[%d].objects (%d)", ci, cl.Objects)
			}
		}
		if !(s.Volume > 0 && s.Volume <= 1e8) {
			bad(k+"volume", "must be in (0, 1e8]")
		}
		checkShape(k, s.Objects, s.ObjectAlpha, s.Browse, s.Rise, s.HalfLife, s.HomeRegion, s.HomeShare)
	}

	var regionW float64 // total weight of the metros with a region tag
	for _, m := range c.Metros {
		if m.Region != "" && m.Weight > 0 && finite(m.Weight) {
			regionW += m.Weight
		}
	}
	days := c.Duration.Hours() / 24
	for i, s := range c.RandomSpikes {
		k := fmt.Sprintf("random_spikes[%d].", i)
		if ci, ok := classIdx[s.Class]; !ok {
			bad(k+"class", "no class named %q", s.Class)
		} else if c.Classes[ci].Popularity != PopDecay {
			bad(k+"class", "class %q is not a decay class: a random spike's objects are born", s.Class)
		}
		if !(s.Rate > 0) || !finite(s.Rate) {
			bad(k+"rate", "must be > 0")
		} else if n := s.Rate * days; n > maxRandomSpikes {
			bad(k+"rate", "expects %.3g spikes over the duration, at most %g", n, float64(maxRandomSpikes))
		}
		checkVolume(k+"volume.", s.Volume)
		checkShape(k, s.Objects, s.ObjectAlpha, s.Browse, s.Rise, s.HalfLife, s.HomeRegion, s.HomeShare)
		if s.HomeShare > 0 && s.HomeShare <= 1 && s.HomeRegion == "" && !(regionW > 0) {
			bad(k+"home_share", "> 0 without home_region needs metros with a region tag to pick from")
		}
	}
	return errors.Join(errs...)
}

func parseMethod(s string) (Method, bool) {
	for i, n := range methodNames {
		if n == s {
			return Method(i), true
		}
	}
	return 0, false
}
