package workload

import (
	"fmt"

	"math/bits"

	"github.com/cdnsim/cdnsim/sim"
)

// Variant is what a viewer's request carries beyond its URL, packed in 64
// bits: the encodings it accepts, and which of its class's query
// parameters, cookie and header it sends, with their values. The zero
// Variant sends nothing and accepts no encoding (a trace without these
// draws, or a class with none configured). The topology keeps as much of
// it in the cache key as the behaviour's cache policy says.
//
// Layout: bits 0-1 the encoding (Encoding), bits 2-5 one presence flag per
// part (VariantTracking, ...), then the values: tracking bits 8-31, query
// bits 32-39, cookie bits 40-55, header bits 56-63.
type Variant uint64

// Encoding is the best content encoding a viewer accepts, as CloudFront
// normalises Accept-Encoding for the cache key: br if it is listed, else
// gzip, else none.
type Encoding uint8

// Encodings, in the order CloudFront prefers them.
const (
	Identity Encoding = iota
	Gzip
	Brotli
	NumEncodings
)

var encodingNames = [...]string{"identity", "gzip", "br"}

func (e Encoding) String() string {
	if int(e) < len(encodingNames) {
		return encodingNames[e]
	}
	return "unknown"
}

// Presence flags and value fields of a Variant.
const (
	variantEncoding Variant = 3
	VariantTracking Variant = 1 << 2 // a tracking query parameter (utm_source, fbclid, ...)
	VariantQuery    Variant = 1 << 3 // a meaningful query parameter (lang, page, ...)
	VariantCookie   Variant = 1 << 4
	VariantHeader   Variant = 1 << 5

	// The value fields: a part's mask is its flag plus its value bits, so
	// that a key keeping the part keeps whether it was sent and what.
	TrackingBits Variant = VariantTracking | (1<<24-1)<<8
	QueryBits    Variant = VariantQuery | (1<<8-1)<<32
	CookieBits   Variant = VariantCookie | (1<<16-1)<<40
	HeaderBits   Variant = VariantHeader | (1<<8-1)<<56
	EncodingBits Variant = variantEncoding
)

// Bounds of Param.Values, set by the width of each value field.
const (
	maxTrackingValues = 1 << 24
	maxQueryValues    = 1 << 8
	maxCookieValues   = 1 << 16
	maxHeaderValues   = 1 << 8
)

// Encoding is the encoding the viewer accepts.
func (v Variant) Encoding() Encoding { return Encoding(v & variantEncoding) }

// The values a viewer sent, each an index in [0, Param.Values) of its
// class's parameter; meaningful only when the part's flag is set.

// TrackingValue is the tracking parameter's value.
func (v Variant) TrackingValue() uint64 { return uint64(v>>8) & (1<<24 - 1) }

// QueryValue is the meaningful query parameter's value.
func (v Variant) QueryValue() uint64 { return uint64(v>>32) & (1<<8 - 1) }

// CookieValue is the cookie's value.
func (v Variant) CookieValue() uint64 { return uint64(v>>40) & (1<<16 - 1) }

// HeaderValue is the header's value.
func (v Variant) HeaderValue() uint64 { return uint64(v >> 56) }

// With is v with part (VariantTracking, VariantQuery, VariantCookie or
// VariantHeader) sent with value, cut to the part's field: a variant
// made by hand. Any other part leaves v as it is.
func (v Variant) With(part Variant, value uint64) Variant {
	var mask Variant
	var shift uint
	switch part {
	case VariantTracking:
		mask, shift = TrackingBits, 8
	case VariantQuery:
		mask, shift = QueryBits, 32
	case VariantCookie:
		mask, shift = CookieBits, 40
	case VariantHeader:
		mask, shift = HeaderBits, 56
	default:
		return v
	}
	return v&^mask | part | Variant(value)<<shift&mask
}

// Param is a part of a request beyond its URL that a share of a class's
// viewers send: a query parameter, a cookie or a header, named as the
// cache policy names it, with Values distinct values drawn uniformly.
type Param struct {
	Name   string  `toml:"name"`
	Share  float64 `toml:"share"`  // of the class's requests, in [0, 1]
	Values uint32  `toml:"values"` // distinct values (> 0 when Share > 0)
}

// Sends is what a class's viewers send beyond the URL. A tracking
// parameter has many distinct values (a click ID is nearly unique), a
// meaningful one few (a language, a page number).
type Sends struct {
	Tracking Param `toml:"tracking"`
	Query    Param `toml:"query"`
	Cookie   Param `toml:"cookie"`
	Header   Param `toml:"header"`
}

// some reports whether the class's viewers send anything.
func (s *Sends) some() bool {
	return s.Tracking.Share > 0 || s.Query.Share > 0 || s.Cookie.Share > 0 || s.Header.Share > 0
}

// AcceptEncoding is the share of viewers whose best accepted encoding is
// br, and gzip; the rest accept neither.
type AcceptEncoding struct {
	Br   float64 `toml:"br"`
	Gzip float64 `toml:"gzip"`
}

// DefaultAcceptEncoding is the viewers' mix when the scenario does not
// give one: every current browser sends "gzip, deflate, br" over HTTPS
// (caniuse.com, "Brotli Accept-Encoding/Content-Encoding": ~97% of global
// users' browsers, 2024); the rest, mostly older clients, libraries and
// apps, are taken as gzip-only except a small identity share (our choice).
var DefaultAcceptEncoding = AcceptEncoding{Br: 0.97, Gzip: 0.025}

// validateSends checks a class's Sends fields (key is "classes[i].").
func validateSends(k string, s Sends, bad func(key, format string, args ...any)) {
	for _, p := range []struct {
		key string
		p   Param
		max uint32
	}{{"tracking", s.Tracking, maxTrackingValues}, {"query", s.Query, maxQueryValues},
		{"cookie", s.Cookie, maxCookieValues}, {"header", s.Header, maxHeaderValues}} {
		if !(p.p.Share >= 0 && p.p.Share <= 1) {
			bad(k+p.key+".share", "must be in [0, 1]")
		}
		if p.p.Share > 0 && (p.p.Values == 0 || p.p.Values > p.max) {
			bad(k+p.key+".values", "must be in [1, %d]", p.max)
		}
		if p.p.Share > 0 && p.p.Name == "" {
			bad(k+p.key+".name", "must name the %s the cache policy lists", p.key)
		}
	}
}

// validateAcceptEncoding checks the viewers' encoding mix.
func validateAcceptEncoding(a *AcceptEncoding, bad func(key, format string, args ...any)) {
	if a == nil {
		return
	}
	if !(a.Br >= 0 && a.Gzip >= 0 && a.Br+a.Gzip <= 1) {
		bad("accept_encoding", "br and gzip must be >= 0 with br + gzip <= 1, got %v and %v", a.Br, a.Gzip)
	}
}

// Variants draws each request's Variant: counter-based, a fixed function
// of (seed, object, arrival time), so a sampled or sharded run gives a
// request the same variant as the full run, and no other draw moves.
type Variants struct {
	seed     uint64
	classes  []sendsInfo
	encoding bool
	br, gz   uint64 // thresholds on a uniform 64-bit draw
}

type sendsInfo struct {
	parts [4]partInfo
	on    bool
}

type partInfo struct {
	share  uint64 // threshold: the part is sent when a draw is below it
	values uint64
	flag   Variant
	shift  uint
}

// NewVariants prepares the draws for cfg's classes; encodings says whether
// any behaviour compresses, so the viewers' Accept-Encoding matters. It
// returns nil when nothing is to be drawn.
func NewVariants(cfg Config, seed uint64, encodings bool) *Variants {
	v := &Variants{seed: sim.Mix64(seed ^ 0x510e527fade682d1), encoding: encodings}
	on := encodings
	for _, cl := range cfg.Classes {
		s := cl.Sends
		si := sendsInfo{on: s.some(), parts: [4]partInfo{
			{sim.Threshold(s.Tracking.Share), uint64(s.Tracking.Values), VariantTracking, 8},
			{sim.Threshold(s.Query.Share), uint64(s.Query.Values), VariantQuery, 32},
			{sim.Threshold(s.Cookie.Share), uint64(s.Cookie.Values), VariantCookie, 40},
			{sim.Threshold(s.Header.Share), uint64(s.Header.Values), VariantHeader, 56},
		}}
		on = on || si.on
		v.classes = append(v.classes, si)
	}
	if !on {
		return nil
	}
	ae := DefaultAcceptEncoding
	if cfg.AcceptEncoding != nil {
		ae = *cfg.AcceptEncoding
	}
	v.br = sim.Threshold(ae.Br)
	v.gz = sim.Threshold(ae.Br + ae.Gzip)
	return v
}

// Draw is r's variant.
func (v *Variants) Draw(r *Request) Variant {
	x := sim.Mix64(v.seed ^ sim.Mix64(r.Object^uint64(r.Time)*0x9e3779b97f4a7c15))
	var out Variant
	if v.encoding {
		switch u := sim.Mix64(x + 1); {
		case u < v.br:
			out = Variant(Brotli)
		case u < v.gz:
			out = Variant(Gzip)
		}
	}
	if int(r.Class) >= len(v.classes) || !v.classes[r.Class].on {
		return out
	}
	for i := range v.classes[r.Class].parts {
		p := &v.classes[r.Class].parts[i]
		u := sim.Mix64(x + uint64(i+2)*0x9e3779b97f4a7c15)
		if u >= p.share {
			continue
		}
		// The high bits of a second draw, scaled to [0, values).
		hi, _ := bits.Mul64(sim.Mix64(u), p.values)
		out |= p.flag | Variant(hi)<<p.shift
	}
	return out
}

// WithVariants wraps src so that each request it streams carries its
// Variant; with v nil it returns src itself, so a scenario without cache
// key parts or compression pays nothing.
func WithVariants(src Source, v *Variants) Source {
	if v == nil {
		return src
	}
	return &variantSource{src: src, v: v}
}

type variantSource struct {
	src Source
	v   *Variants
}

// Next implements Source.
func (s *variantSource) Next(r *Request) bool {
	if !s.src.Next(r) {
		return false
	}
	r.Variant = s.v.Draw(r)
	return true
}

// String describes a variant for tests and logs.
func (v Variant) String() string {
	return fmt.Sprintf("enc=%v tracking=%v/%d query=%v/%d cookie=%v/%d header=%v/%d", v.Encoding(),
		v&VariantTracking != 0, v.TrackingValue(), v&VariantQuery != 0, v.QueryValue(),
		v&VariantCookie != 0, v.CookieValue(), v&VariantHeader != 0, v.HeaderValue())
}
