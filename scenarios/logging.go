package scenarios

import (
	"math"
	"strings"
	"time"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/sim"
)

// loggingTOML is the [logging] table: CloudFront standard access logs.
type loggingTOML struct {
	Enabled bool `toml:"enabled"`
	// Sample is the fraction of viewer requests logged (seeded); 1 when absent.
	Sample *float64 `toml:"sample"`
	Host   string   `toml:"host"` // cs(Host); report.DefaultLogHost when empty
	// Start is the date (or date-time) of the start of the measured period
	// (after any warm-up); 2026-01-01 UTC when absent.
	Start *time.Time `toml:"start"`
	// Cookies is CloudFront's cookie logging: cs(Cookie) holds the
	// cookies viewers sent (a class's sends.cookie); off by default, as
	// in CloudFront.
	Cookies bool `toml:"cookies"`
}

// validateLogging checks [logging]; fail reports a key and a message.
func validateLogging(l loggingTOML, fail func(key, msg string) error) error {
	if l.Sample != nil && (math.IsNaN(*l.Sample) || *l.Sample <= 0 || *l.Sample > 1) {
		return fail("logging.sample", "must be in (0, 1]: the fraction of viewer requests logged")
	}
	if strings.ContainsAny(l.Host, " \t\r\n") {
		return fail("logging.host", "a host name has no spaces")
	}
	return nil
}

// LogEnabled reports whether the scenario asks for an access log.
func (s *Scenario) LogEnabled() bool { return s.File.Logging.Enabled }

// AccessLogConfig is the access log configuration of a run with seed: the
// [logging] table, the POP names and the classes' path prefixes.
func (s *Scenario) AccessLogConfig(seed uint64) report.AccessLogConfig {
	l := s.File.Logging
	cfg := report.AccessLogConfig{Host: l.Host, Seed: seed, Sample: 1, Warmup: sim.Duration(s.Warmup), Cookies: l.Cookies}
	if l.Sample != nil {
		cfg.Sample = *l.Sample
	}
	if l.Start != nil {
		// A TOML local date or date-time has a zero offset: read as UTC,
		// as CloudFront logs are.
		cfg.Start = l.Start.UTC()
	}
	for _, p := range s.Topology.POPs {
		cfg.POPs = append(cfg.POPs, p.Name)
	}
	for _, c := range s.Topology.Classes {
		cfg.Prefixes = append(cfg.Prefixes, c.Prefix)
		ct := c.ContentType
		if ct == "" {
			ct = contentType(c.Name + " " + c.Prefix)
		}
		cfg.ContentTypes = append(cfg.ContentTypes, ct)
		cfg.Sends = append(cfg.Sends, c.Sends)
	}
	return cfg
}

// contentType guesses sc-content-type from a class's name and prefix, for
// a class without a content_type: a plausible one makes the log read like
// a real distribution's.
func contentType(s string) string {
	s = strings.ToLower(s)
	for _, g := range []struct{ word, ct string }{
		{"video", "video/mp4"}, {"vod", "video/mp4"}, {"segment", "video/mp4"},
		{"img", "image/jpeg"}, {"image", "image/jpeg"}, {"photo", "image/jpeg"},
		{"api", "application/json"},
		{"js", "application/javascript"}, {"static", "application/javascript"}, {"asset", "application/javascript"},
		{"css", "text/css"},
		{"news", "text/html"}, {"article", "text/html"}, {"page", "text/html"}, {"html", "text/html"},
	} {
		if strings.Contains(s, g.word) {
			return g.ct
		}
	}
	return report.DefaultContentType
}
