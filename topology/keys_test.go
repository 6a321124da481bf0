package topology

import (
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// sendsLine is line() with a class whose viewers send a tracking
// parameter, a page number and a cookie, and an HTML class.
func sendsLine() Config {
	cfg := line()
	cfg.Classes = []Class{{Name: "news", Prefix: "/news/", CacheControl: "max-age=86400", ContentType: "text/html",
		Sends: workload.Sends{
			Tracking: workload.Param{Name: "utm_source", Share: 0.5, Values: 100},
			Query:    workload.Param{Name: "page", Share: 0.5, Values: 4},
			Cookie:   workload.Param{Name: "edition", Share: 0.5, Values: 3},
		}}}
	return cfg
}

// v builds a variant by hand: tracking and page values (-1: not sent).
func v(tracking, page int) workload.Variant {
	var x workload.Variant
	if tracking >= 0 {
		x = x.With(workload.VariantTracking, uint64(tracking))
	}
	if page >= 0 {
		x = x.With(workload.VariantQuery, uint64(page))
	}
	return x
}

func TestCacheKeySplitsVariantsAsFarAsItSays(t *testing.T) {
	t.Parallel()
	// One URL, six requests a second apart (every fill has landed).
	variants := []workload.Variant{v(-1, -1), v(5, -1), v(6, -1), v(-1, 1), v(7, 1), v(-1, 2)}
	var reqs []workload.Request
	for i, x := range variants {
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Second, Object: 3, Size: 100, Variant: x})
	}
	cases := []struct {
		key    CacheKey
		edge   []Result
		origin int64
	}{
		{CacheKey{}, []Result{Miss, Hit, Hit, Hit, Hit, Hit}, 1},
		{CacheKey{QueryStrings: QueryAllowlist, QueryAllow: []string{"page"}}, []Result{Miss, Hit, Hit, Miss, Hit, Miss}, 3},
		{CacheKey{QueryStrings: QueryAllowlist, QueryAllow: []string{"utm_source"}}, []Result{Miss, Miss, Miss, Hit, Miss, Hit}, 4},
		{CacheKey{QueryStrings: QueryAll}, []Result{Miss, Miss, Miss, Miss, Miss, Miss}, 6},
	}
	for _, c := range cases {
		cfg := sendsLine()
		cfg.Behaviors[0].Key = c.key
		_, obs := run(t, cfg, reqs)
		for i, o := range obs.outs {
			if o.Edge != c.edge[i] {
				t.Errorf("%+v: request %d (%v): edge %v, want %v", c.key, i, variants[i], o.Edge, c.edge[i])
			}
			// What the viewer sent goes to the access log whatever the key kept.
			if o.Sent != variants[i] {
				t.Errorf("%+v: request %d: Outcome.Sent %v, want %v", c.key, i, o.Sent, variants[i])
			}
		}
		if obs.toOrigin != c.origin {
			t.Errorf("%+v: %d origin fetches, want %d", c.key, obs.toOrigin, c.origin)
		}
	}
}

func TestCookiesAndHeadersByName(t *testing.T) {
	t.Parallel()
	cookie := func(c int) workload.Variant { return workload.Variant(0).With(workload.VariantCookie, uint64(c)) }
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 100, Variant: cookie(0)},
		{Time: sim.Second, Object: 1, Size: 100, Variant: cookie(1)},
		{Time: 2 * sim.Second, Object: 1, Size: 100, Variant: cookie(0)},
	}
	for _, c := range []struct {
		cookies []string
		want    []Result
	}{
		{nil, []Result{Miss, Hit, Hit}},
		{[]string{"session"}, []Result{Miss, Hit, Hit}}, // another cookie's name
		{[]string{"edition"}, []Result{Miss, Miss, Hit}},
	} {
		cfg := sendsLine()
		cfg.Behaviors[0].Key.Cookies = c.cookies
		_, obs := run(t, cfg, reqs)
		for i, o := range obs.outs {
			if o.Edge != c.want[i] || o.Variant != (len(c.cookies) > 0 && c.cookies[0] == "edition") {
				t.Errorf("cookies %v: request %d edge %v variant %v, want %v", c.cookies, i, o.Edge, o.Variant, c.want[i])
			}
		}
	}
}

func TestInvalidationRemovesEveryVariant(t *testing.T) {
	t.Parallel()
	cfg := sendsLine()
	cfg.Behaviors[0].Key = CacheKey{QueryStrings: QueryAll}
	cfg.Invalidations = []Invalidation{{At: 10 * time.Second, Paths: []string{"/news/3"}, Propagation: time.Second}}
	var reqs []workload.Request
	for _, at := range []sim.Time{0, 20 * sim.Second} {
		for i, x := range []workload.Variant{0, v(1, -1), v(-1, 2)} {
			reqs = append(reqs, workload.Request{Time: at + sim.Time(i)*sim.Second, Object: 3, Size: 100, Variant: x})
		}
	}
	n, obs := run(t, cfg, reqs)
	for i, o := range obs.outs {
		if o.Edge != Miss {
			t.Errorf("request %d: edge %v, want Miss (cold, then invalidated)", i, o.Edge)
		}
	}
	if n.Stats.InvalidatedObjects != 6 {
		t.Errorf("invalidated %d copies, want 6 (3 variants × POP and regional)", n.Stats.InvalidatedObjects)
	}
}

func TestCompressionVariants(t *testing.T) {
	t.Parallel()
	const size = 100_000
	enc := func(e workload.Encoding) workload.Variant { return workload.Variant(e) }
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: size, Variant: enc(workload.Brotli)},
		{Time: 1 * sim.Second, Object: 1, Size: size, Variant: enc(workload.Brotli)},
		{Time: 2 * sim.Second, Object: 1, Size: size, Variant: enc(workload.Gzip)},
		{Time: 3 * sim.Second, Object: 1, Size: size, Variant: enc(workload.Identity)},
		{Time: 4 * sim.Second, Object: 2, Size: 999, Variant: enc(workload.Brotli)}, // below 1,000 bytes
		{Time: 5 * sim.Second, Object: 2, Size: 999, Variant: enc(workload.Identity)},
	}
	cfg := sendsLine()
	cfg.Behaviors[0].Compress = true
	_, obs := run(t, cfg, reqs)
	want := []struct {
		edge      Result
		size      int64
		enc       workload.Encoding
		originGot int64 // body from the origin (0: none fetched)
	}{
		{Miss, 21_000, workload.Brotli, size}, // text/html: br 0.21
		{Hit, 21_000, workload.Brotli, 0},
		{Miss, 25_000, workload.Gzip, size}, // gzip 0.25: a variant of its own
		{Miss, size, workload.Identity, size},
		{Miss, 999, workload.Identity, 999},
		{Hit, 999, workload.Identity, 0}, // one variant: too small to compress
	}
	for i, w := range want {
		o := obs.outs[i]
		if o.Edge != w.edge || o.Size != w.size || o.Encoding != w.enc || o.OriginBytes() != w.originGot {
			t.Errorf("request %d: edge %v size %d %v origin bytes %d; want %v %d %v %d", i, o.Edge, o.Size, o.Encoding, o.OriginBytes(), w.edge, w.size, w.enc, w.originGot)
		}
		if o.Travelled(EdgeRegional) && o.FlowBytes[EdgeRegional] != w.size {
			t.Errorf("request %d: regional → POP %d bytes, want the variant's %d", i, o.FlowBytes[EdgeRegional], w.size)
		}
		if w.enc != workload.Identity && o.Uncompressed != size {
			t.Errorf("request %d: uncompressed %d, want %d", i, o.Uncompressed, size)
		}
	}
	// Without compression, or for a type CloudFront does not compress,
	// every encoding is one object.
	for _, c := range []func(*Config){
		func(c *Config) { c.Behaviors[0].Compress = false },
		func(c *Config) { c.Classes[0].ContentType = "image/jpeg" },
	} {
		cfg := sendsLine()
		cfg.Behaviors[0].Compress = true
		c(&cfg)
		_, obs := run(t, cfg, reqs[:4])
		for i, o := range obs.outs {
			if o.Size != size || o.Encoding != workload.Identity || (i > 0 && o.Edge != Hit) {
				t.Errorf("uncompressed: request %d: edge %v size %d %v", i, o.Edge, o.Size, o.Encoding)
			}
		}
	}
}

func TestEdgeFunctionLatency(t *testing.T) {
	t.Parallel()
	rV, rP, rO := degRTT(1), degRTT(9), degRTT(30)
	hop, proc := hopProcessing, 20*sim.Millisecond
	cfg := line()
	cfg.Behaviors[0].ViewerRequest = Function{Kind: FnCloudFront}
	cfg.Behaviors[0].OriginRequest = Function{Kind: FnLambda, ColdRate: 1}
	reqs := []workload.Request{{Time: 0, Object: 7, Size: 100}, {Time: sim.Second, Object: 7, Size: 100}}
	_, obs := run(t, cfg, reqs)
	vf, of := sim.Duration(defaultCloudFrontLatency), sim.Duration(defaultLambdaLatency+defaultLambdaColdStart)
	// As TestLatencyByHand's cold miss and hit, with the functions' times.
	want := []struct {
		ttfb            sim.Time
		functions, cold uint8
	}{
		{rV + vf + hop + rP + hop + of + 2*rO + rO + proc, 2, 1},
		{rV + vf + hop, 1, 0},
	}
	for i, w := range want {
		o := obs.outs[i]
		if d := o.TTFB - w.ttfb; d < -1 || d > 1 || o.Functions != w.functions || o.ColdStarts != w.cold {
			t.Errorf("request %d: TTFB %v functions %d cold %d; want %v %d %d", i, o.TTFB, o.Functions, o.ColdStarts, w.ttfb, w.functions, w.cold)
		}
	}
}

func TestColdStartRate(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Behaviors[0].ViewerRequest = Function{Kind: FnLambda, Latency: time.Millisecond, ColdRate: 0.1, ColdStart: 100 * time.Millisecond}
	var reqs []workload.Request
	const n = 20_000
	for i := range n {
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Millisecond, Object: uint64(i % 10), Size: 100})
	}
	_, obs := run(t, cfg, reqs)
	var cold int
	for _, o := range obs.outs {
		cold += int(o.ColdStarts)
		if want := sim.Millisecond + sim.Time(o.ColdStarts)*100*sim.Millisecond; o.FunctionTime != want {
			t.Fatalf("function time %v with %d cold starts, want %v", o.FunctionTime, o.ColdStarts, want)
		}
	}
	// Binomial(20000, 0.1): sd 42.
	if cold < 2000-210 || cold > 2000+210 {
		t.Errorf("%d cold starts in %d runs at rate 0.1, want 2000 ± 210", cold, n)
	}
}

func TestViewerFunctionDropsTracking(t *testing.T) {
	t.Parallel()
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 100, Variant: v(1, -1)},
		{Time: sim.Second, Object: 1, Size: 100, Variant: v(2, -1)},
		{Time: 2 * sim.Second, Object: 1, Size: 100, Variant: v(3, 1)},
	}
	cfg := sendsLine()
	cfg.Behaviors[0].Key = CacheKey{QueryStrings: QueryAll}
	cfg.Behaviors[0].ViewerRequest = Function{Kind: FnCloudFront, DropTracking: true}
	_, obs := run(t, cfg, reqs)
	// The tracking parameter is gone before the lookup: 1 and 2 are the
	// bare URL; 3 keeps its page.
	for i, want := range []Result{Miss, Hit, Miss} {
		if obs.outs[i].Edge != want {
			t.Errorf("request %d: edge %v, want %v", i, obs.outs[i].Edge, want)
		}
	}
}

func TestKeysValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		edit func(*Config)
		key  string
	}{
		{func(c *Config) { c.Behaviors[0].Key.QueryStrings = "some" }, "behaviors[0].query_strings"},
		{func(c *Config) { c.Behaviors[0].OriginRequest.Kind = FnCloudFront }, "behaviors[0].origin_request.kind"},
		{func(c *Config) { c.Behaviors[0].ViewerRequest.Kind = "edge" }, "behaviors[0].viewer_request.kind"},
		{func(c *Config) { c.Behaviors[0].ViewerRequest = Function{Kind: FnLambda, ColdRate: 2} }, "behaviors[0].viewer_request.cold_rate"},
		{func(c *Config) { c.Behaviors[0].OriginRequest = Function{Kind: FnLambda, DropTracking: true} }, "behaviors[0].origin_request.drop_tracking"},
		{func(c *Config) { c.Behaviors[0].ViewerRequest.Latency = time.Millisecond }, "behaviors[0].viewer_request.kind"},
		{func(c *Config) { c.Classes[0].BrRatio = 1.5 }, "workload.classes[0].br_ratio"},
	}
	for _, c := range cases {
		cfg := sendsLine()
		c.edit(&cfg)
		err := cfg.Validate()
		fe, ok := err.(*FieldError)
		if !ok || fe.Key != c.key {
			t.Errorf("want an error at %s, got %v", c.key, err)
		}
	}
}
