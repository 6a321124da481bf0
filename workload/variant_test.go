package workload

import (
	"math"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

func variantConfig() Config {
	return Config{Classes: []Class{
		{Name: "plain"},
		{Name: "news", Sends: Sends{
			Tracking: Param{Name: "utm_source", Share: 0.3, Values: 1_000_000},
			Query:    Param{Name: "page", Share: 0.1, Values: 4},
			Cookie:   Param{Name: "edition", Share: 0.5, Values: 3},
		}},
	}}
}

func TestNoVariantsWithoutSendsOrCompression(t *testing.T) {
	t.Parallel()
	cfg := Config{Classes: []Class{{Name: "plain"}}}
	if v := NewVariants(cfg, 1, false); v != nil {
		t.Fatal("NewVariants drew variants for a workload that sends nothing and no compression")
	}
	src := &countSource{n: 3}
	if WithVariants(src, nil) != Source(src) {
		t.Fatal("WithVariants(src, nil) wrapped the source")
	}
}

// countSource streams n requests of class 1, one a millisecond.
type countSource struct{ i, n int }

func (s *countSource) Next(r *Request) bool {
	if s.i >= s.n {
		return false
	}
	*r = Request{Time: sim.Time(s.i) * sim.Millisecond, Object: uint64(s.i % 1000), Class: 1}
	s.i++
	return true
}

func TestVariantDraws(t *testing.T) {
	t.Parallel()
	const n = 200_000
	v := NewVariants(variantConfig(), 7, true)
	src := WithVariants(&countSource{n: n}, v)
	var tracking, query, cookie, header int
	var enc [NumEncodings]int
	queryVals := map[uint64]int{}
	trackVals := map[uint64]bool{}
	var r Request
	for src.Next(&r) {
		x := r.Variant
		enc[x.Encoding()]++
		if x&VariantTracking != 0 {
			tracking++
			trackVals[uint64(x&TrackingBits)>>8] = true
		}
		if x&VariantQuery != 0 {
			query++
			queryVals[uint64(x&QueryBits)>>32]++
		}
		if x&VariantCookie != 0 {
			cookie++
			if c := uint64(x&CookieBits) >> 40; c >= 3 {
				t.Fatalf("cookie value %d of 3", c)
			}
		}
		if x&VariantHeader != 0 {
			header++
		}
		if x&^(TrackingBits|QueryBits|CookieBits|EncodingBits) != 0 {
			t.Fatalf("variant %v has bits outside its parts", x)
		}
		// Counter-based: the draw depends on the request alone.
		if again := v.Draw(&r); again != x {
			t.Fatalf("request %+v drew %v, then %v", r, x, again)
		}
	}
	within := func(what string, got int, p float64) {
		t.Helper()
		sd := math.Sqrt(n * p * (1 - p))
		if math.Abs(float64(got)-n*p) > 5*sd+1 {
			t.Errorf("%s: %d of %d, want %.0f ± %.0f", what, got, n, n*p, 5*sd)
		}
	}
	within("tracking", tracking, 0.3)
	within("query", query, 0.1)
	within("cookie", cookie, 0.5)
	within("header", header, 0)
	within("br", enc[Brotli], DefaultAcceptEncoding.Br)
	within("gzip", enc[Gzip], DefaultAcceptEncoding.Gzip)
	if len(queryVals) != 4 {
		t.Errorf("query values %v, want the 4 of 0..3", queryVals)
	}
	for q := range queryVals {
		if q >= 4 {
			t.Errorf("query value %d of 4", q)
		}
	}
	// 60k draws of a million values: about 1.8k repeats expected.
	if len(trackVals) < tracking*95/100 {
		t.Errorf("%d tracking parameters took only %d distinct values", tracking, len(trackVals))
	}
}

func TestVariantValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		sends Sends
		key   string
	}{
		{Sends{Tracking: Param{Name: "utm", Share: 1.5, Values: 1}}, "classes[0].sends.tracking.share"},
		{Sends{Query: Param{Name: "page", Share: 0.5}}, "classes[0].sends.query.values"},
		{Sends{Header: Param{Name: "h", Share: 0.5, Values: 300}}, "classes[0].sends.header.values"},
		{Sends{Cookie: Param{Share: 0.5, Values: 3}}, "classes[0].sends.cookie.name"},
	}
	for _, c := range cases {
		var keys []string
		validateSends("classes[0].sends.", c.sends, func(key, format string, args ...any) { keys = append(keys, key) })
		if len(keys) != 1 || keys[0] != c.key {
			t.Errorf("%+v: errors at %v, want %s", c.sends, keys, c.key)
		}
	}
	var keys []string
	validateAcceptEncoding(&AcceptEncoding{Br: 0.8, Gzip: 0.3}, func(key, format string, args ...any) { keys = append(keys, key) })
	if len(keys) != 1 || keys[0] != "accept_encoding" {
		t.Errorf("br 0.8 + gzip 0.3: errors at %v, want accept_encoding", keys)
	}
}

// TestVariantWithAndValues: With sets a part's flag and value in its field
// of the documented layout, replaces a value set before, cuts one too wide
// for its field, and the accessors read each back.
func TestVariantWithAndValues(t *testing.T) {
	t.Parallel()
	v := Variant(Brotli).With(VariantTracking, 734512).With(VariantQuery, 3).With(VariantCookie, 9).With(VariantCookie, 12).With(VariantHeader, 255)
	want := Variant(Brotli) | VariantTracking | 734512<<8 | VariantQuery | 3<<32 | VariantCookie | 12<<40 | VariantHeader | 255<<56
	if v != want {
		t.Fatalf("With gave %#x, want %#x", uint64(v), uint64(want))
	}
	if v.TrackingValue() != 734512 || v.QueryValue() != 3 || v.CookieValue() != 12 || v.HeaderValue() != 255 || v.Encoding() != Brotli {
		t.Errorf("values %v", v)
	}
	if got := Variant(0).With(VariantQuery, 256+7); got != VariantQuery|7<<32 {
		t.Errorf("a query value of 263 in its 8 bits: %v", got)
	}
	if got := v.With(EncodingBits, 1); got != v {
		t.Errorf("With(EncodingBits) changed %v to %v", v, got)
	}
}
