package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/topology"
)

// newsSpikeLine is the 1-based line of news-spike.toml that holds s.
func newsSpikeLine(t *testing.T, src, s string) int {
	t.Helper()
	i := strings.Index(src, s)
	if i < 0 {
		t.Fatalf("news-spike.toml has no %q", s)
	}
	return strings.Count(src[:i], "\n") + 1
}

func TestCacheKeyCompressionAndFunctionKeys(t *testing.T) {
	t.Parallel()
	data, err := builtin.ReadFile("news-spike.toml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	s, err := Parse("news-spike.toml", data, []string{
		"behaviors[2].compress=true",
		"behaviors[2].viewer_request.kind=cloudfront",
		"behaviors[2].viewer_request.drop_tracking=true",
		"behaviors[2].origin_request.kind=lambda",
		"behaviors[2].origin_request.cold_rate=0.01",
		"behaviors[2].cookies=[\"edition\"]",
	})
	if err != nil {
		t.Fatal(err)
	}
	b := s.Topology.Behaviors[2]
	want := topology.CacheKey{QueryStrings: topology.QueryAllowlist, QueryAllow: []string{"page"}, Cookies: []string{"edition"}}
	if fmt.Sprint(b.Key) != fmt.Sprint(want) || !b.Compress ||
		b.ViewerRequest != (topology.Function{Kind: topology.FnCloudFront, DropTracking: true}) ||
		b.OriginRequest != (topology.Function{Kind: topology.FnLambda, ColdRate: 0.01}) {
		t.Errorf("behaviour %+v", b)
	}
	articles := s.Topology.Classes[1]
	if articles.ContentType != "text/html" || articles.Sends.Tracking.Name != "utm_source" || articles.Sends.Tracking.Share != 0.2 {
		t.Errorf("articles class %+v", articles)
	}

	qs := newsSpikeLine(t, src, `query_strings = "allowlist"`)
	checkEditErrors(t, "news-spike.toml", src, []editCase{
		{"unknown query-string mode", `query_strings = "allowlist"`, `query_strings = "some"`,
			fmt.Sprintf("news-spike.toml:%d: behaviors[2].query_strings: must be", qs)},
		{"a tracking share above 1", `share = 0.2, values = 1000000`, `share = 1.2, values = 1000000`,
			fmt.Sprintf("news-spike.toml:%d: workload.classes[1].sends.tracking.share: must be in [0, 1]", newsSpikeLine(t, src, "sends.tracking ="))},
		{"CloudFront Functions on origin requests", `query_allow = ["page"]`, "query_allow = [\"page\"]\norigin_request = { kind = \"cloudfront\" }",
			fmt.Sprintf("news-spike.toml:%d: behaviors[2].origin_request.kind: CloudFront Functions run on viewer events only", qs+2)},
	})
}

// TestForwardingAllQueryStrings is the README's what-if on an hour of
// news-spike: forwarding every query string puts the articles' tracking
// parameter in the key, so the edge hit ratio falls and the origin gets
// more requests; a viewer-request function that drops it wins them back.
func TestForwardingAllQueryStrings(t *testing.T) {
	if testing.Short() {
		t.Skip("three runs of four hours of news-spike traffic")
	}
	t.Parallel()
	// An hour of the afternoon in Europe, the evening in Asia, the morning
	// in America: articles are being published and read.
	quick := []string{"workload.duration=1h", "workload.start_utc_hour=14", "warmup=3h", "logging.enabled=false"}
	run := func(sets ...string) report.Summary {
		s, err := Load("news-spike", append(quick, sets...))
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.NewRun(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		r.Simulate(nil)
		return r.Recorder.Summary()
	}
	allow, all := run(), run("behaviors[2].query_strings=all")
	dropped := run("behaviors[2].query_strings=all", "behaviors[2].viewer_request.kind=cloudfront", "behaviors[2].viewer_request.drop_tracking=true")
	if allow.CacheKeys != nil {
		t.Errorf("the allow-list kept a tracking parameter: %+v", allow.CacheKeys)
	}
	t.Logf("edge hit ratio %.4f → %.4f, origin requests %d → %d, variants %+v", allow.Tiers.Edge.HitRatio.Float(), all.Tiers.Edge.HitRatio.Float(),
		allow.Tiers.Origin.Requests, all.Tiers.Origin.Requests, all.CacheKeys)
	// A fifth of the articles' requests carry a click ID.
	if all.CacheKeys == nil || all.CacheKeys.VariantRequests < all.Requests/20 {
		t.Fatalf("forwarding all query strings made variants of %+v of %d requests", all.CacheKeys, all.Requests)
	}
	if all.Requests != allow.Requests {
		t.Fatalf("the cache key changed the workload: %d requests, then %d", allow.Requests, all.Requests)
	}
	he, ha := allow.Tiers.Edge.HitRatio.Float(), all.Tiers.Edge.HitRatio.Float()
	if !(ha < he-0.02) || !(all.Tiers.Origin.Requests > allow.Tiers.Origin.Requests) {
		t.Errorf("all query strings: edge hit ratio %.3f, origin %d; allow-list %.3f, %d", ha, all.Tiers.Origin.Requests, he, allow.Tiers.Origin.Requests)
	}
	// The function restores the allow-list's key, so the caches do the
	// same; only the viewers wait its 0.3 ms more.
	if dropped.Tiers.Edge.Hits != allow.Tiers.Edge.Hits || dropped.Tiers.Origin.Requests != allow.Tiers.Origin.Requests {
		t.Errorf("drop_tracking: %d edge hits, %d origin requests; want the allow-list's %d, %d", dropped.Tiers.Edge.Hits,
			dropped.Tiers.Origin.Requests, allow.Tiers.Edge.Hits, allow.Tiers.Origin.Requests)
	}
	if f := dropped.EdgeFunctions; f == nil || f.Invocations == 0 || f.MeanMs != 0.3 {
		t.Errorf("edge functions %+v, want CloudFront Functions' 0.3 ms a run", f)
	}
}

func TestDeclaredContentTypeIsLogged(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", []string{"workload.classes[0].content_type=text/css"})
	if err != nil {
		t.Fatal(err)
	}
	// static's declared type, not the guess from its name.
	if ct := s.AccessLogConfig(1).ContentTypes; ct[0] != "text/css" || ct[1] != "text/html" {
		t.Errorf("access log content types %v, want text/css for static, text/html for articles", ct)
	}
}
