package scenarios

import (
	"fmt"
	"strings"
	"testing"

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
		{"allow-list without allowlist", `query_strings = "allowlist"`, `query_strings = "all"`,
			fmt.Sprintf("news-spike.toml:%d: behaviors[2].query_allow: is used only", qs+1)},
		{"a tracking share above 1", `share = 0.2, values = 1000000`, `share = 1.2, values = 1000000`,
			fmt.Sprintf("news-spike.toml:%d: workload.classes[1].sends.tracking.share: must be in [0, 1]", newsSpikeLine(t, src, "sends.tracking ="))},
		{"CloudFront Functions on origin requests", `query_allow = ["page"]`, "query_allow = [\"page\"]\norigin_request = { kind = \"cloudfront\" }",
			fmt.Sprintf("news-spike.toml:%d: behaviors[2].origin_request.kind: CloudFront Functions run on viewer events only", qs+2)},
	})
}
