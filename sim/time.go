package sim

import (
	"strings"
	"time"
)

// Time is virtual time in nanoseconds since the start of the simulation.
type Time int64

// Units of virtual time.
const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
)

// Duration converts a wall-clock duration to virtual time.
func Duration(d time.Duration) Time { return Time(d) }

// Seconds is t in seconds.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// Milliseconds is t in (fractional) milliseconds.
func (t Time) Milliseconds() float64 { return float64(t) / float64(Millisecond) }

// String formats t like a time.Duration ("1h30m0s").
func (t Time) String() string { return time.Duration(t).String() }

// Short is String without zero trailing units, as people write durations
// ("24h", "1h30m", "10m").
func (t Time) Short() string {
	s := t.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
