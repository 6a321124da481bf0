package report

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

const ua = "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/124.0.0.0%20Safari/537.36"

func testLogConfig() AccessLogConfig {
	return AccessLogConfig{
		Seed:         7,
		POPs:         []string{"IAD", "FRA"},
		Prefixes:     []string{"/news/", "/static/"},
		ContentTypes: []string{"text/html"},
	}
}

// logLines writes outs through a fresh log and returns the output.
func logLines(t *testing.T, cfg AccessLogConfig, outs ...topology.Outcome) string {
	t.Helper()
	var w bytes.Buffer
	l, err := NewAccessLog(&w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range outs {
		l.Observe(&outs[i])
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	return w.String()
}

func TestAccessLogHeader(t *testing.T) {
	t.Parallel()
	got := logLines(t, testLogConfig())
	want := "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n"
	if got != want {
		t.Errorf("an empty log is\n%q\nwant\n%q", got, want)
	}
	if n := len(strings.Fields(strings.TrimPrefix(strings.Split(want, "\n")[1], "#Fields:"))); n != 33 {
		t.Errorf("#Fields names %d fields, CloudFront's standard log has 33", n)
	}
}

func TestAccessLogLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    topology.Outcome
		want string
	}{
		{
			"an edge hit logs Hit, the server's ms-rounded times, the time it finished and headers in sc-bytes",
			topology.Outcome{Time: 13*sim.Hour + 5*sim.Minute + 7*sim.Second + 999*sim.Millisecond, Object: 42, Size: 51234, Metro: 3,
				Edge: topology.Hit, Status: 200, ServerTTFB: 500 * sim.Microsecond,
				TTFB: 8*sim.Millisecond + 400*sim.Microsecond, TTLB: 92*sim.Millisecond + 500*sim.Microsecond},
			"2026-01-01\t13:05:08\tIAD65-C1\t51654\t192.0.2.4\tGET\td111111abcdef8.cloudfront.net\t/news/42\t200\t-\t" + ua + "\t-\t-\tHit\t" +
				"1w0yWeThy2MFUPWrB5Nbh9aBARsA2tfo6uqfh3eWWdfs3szjpldqzg==\td111111abcdef8.cloudfront.net\thttps\t417\t0.085\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t50433\t0.001\tHit\ttext/html\t51234\t-\t-\n",
		},
		{
			"a POST bypass over HTTP/3 is a Miss on the next day, metro 300 in the second documentation block",
			topology.Outcome{Time: 25 * sim.Hour, Object: 7, Metro: 300, POP: 1, Class: 1, Method: workload.POST,
				Edge: topology.Bypass, BypassReason: topology.BypassMethod, Status: 200, HTTP3: true,
				ServerTTFB: 1200 * sim.Millisecond, TTFB: 1234 * sim.Millisecond, TTLB: 1234 * sim.Millisecond},
			"2026-01-02\t01:00:01\tFRA78-C1\t420\t198.51.100.47\tPOST\td111111abcdef8.cloudfront.net\t/static/7\t200\t-\t" + ua + "\t-\t-\tMiss\t" +
				"1w0yWeThy2MFUPWrB5Nbh9aBARsA2tfo6uqfh3eWWdfs3szjpldqzg==\td111111abcdef8.cloudfront.net\thttps\t418\t1.200\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tMiss\tHTTP/3.0\t-\t-\t50433\t1.200\tMiss\tapplication/octet-stream\t0\t-\t-\n",
		},
		{
			"a 503 from the origin is an Error (OriginError in detail), with an error page's bytes",
			via(topology.Outcome{Time: 25 * sim.Hour, Object: 9, Metro: 1, POP: 1, Class: 1, Edge: topology.Error, Regional: topology.Error,
				Status: 503, Size: 512, ServerTTFB: 1980 * sim.Millisecond, TTFB: 2 * sim.Second, TTLB: 2 * sim.Second}, 512, er, ro),
			"2026-01-02\t01:00:01\tFRA78-C1\t932\t192.0.2.2\tGET\td111111abcdef8.cloudfront.net\t/static/9\t503\t-\t" + ua + "\t-\t-\tError\t" +
				"1w0yWeThy2MFUPWrB5Nbh9aBARsA2tfo6uqfh3eWWdfs3szjpldqzg==\td111111abcdef8.cloudfront.net\thttps\t418\t1.980\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tError\tHTTP/2.0\t-\t-\t50433\t1.980\tOriginError\tapplication/octet-stream\t512\t-\t-\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := strings.TrimPrefix(logLines(t, testLogConfig(), tc.o), AccessLogHeader)
			if got != tc.want {
				t.Errorf("line\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestAccessLogResultTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edge   topology.Result
		status uint16
		want   string
	}{
		{topology.Hit, 200, "Hit"},
		{topology.RefreshHit, 200, "RefreshHit"},
		{topology.Miss, 200, "Miss"},
		{topology.Error, 503, "Error"},
		{topology.Collapsed, 200, "Miss"},
		{topology.Bypass, 200, "Miss"},
		{topology.Hit, 404, "Error"},
		{topology.Miss, 502, "Error"},
	} {
		line := strings.TrimPrefix(logLines(t, testLogConfig(), topology.Outcome{Edge: tc.edge, Status: tc.status}), AccessLogHeader)
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 33 {
			t.Fatalf("%d fields, want 33: %q", len(f), line)
		}
		// x-edge-result-type, x-edge-response-result-type,
		// x-edge-detailed-result-type (a cached error: "Error")
		if f[13] != tc.want || f[22] != tc.want || f[28] != tc.want {
			t.Errorf("edge %v status %d: result types %s/%s/%s, want %s", tc.edge, tc.status, f[13], f[22], f[28], tc.want)
		}
	}
}

func TestAccessLogDetailedErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		o    topology.Outcome
		want string
	}{
		{via(topology.Outcome{Edge: errR, Regional: errR, Status: 504}, 512, er, ro), "OriginConnectError"},
		{via(topology.Outcome{Edge: byp, Status: 503}, 512, eo), "OriginError"},
		{topology.Outcome{Edge: errR, Status: 503}, "Error"}, // from the POP's cache
	} {
		line := strings.TrimPrefix(logLines(t, testLogConfig(), tc.o), AccessLogHeader)
		if f := strings.Split(strings.TrimSuffix(line, "\n"), "\t"); f[13] != "Error" || f[28] != tc.want {
			t.Errorf("%+v: result type %s, detailed %s; want Error, %s", tc.o, f[13], f[28], tc.want)
		}
	}
}

func TestAccessLogRequestIDs(t *testing.T) {
	t.Parallel()
	outs := make([]topology.Outcome, 1000)
	body := strings.TrimPrefix(logLines(t, testLogConfig(), outs...), AccessLogHeader)
	idRE := regexp.MustCompile(`^[A-Za-z0-9_-]{54}==$`)
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		id := strings.Split(line, "\t")[14]
		if !idRE.MatchString(id) {
			t.Fatalf("request id %q is not 56 characters of URL-safe base64 as CloudFront's", id)
		}
		if seen[id] {
			t.Fatalf("request id %q repeats", id)
		}
		seen[id] = true
	}
}

func TestAccessLogStartAndHost(t *testing.T) {
	t.Parallel()
	cfg := testLogConfig()
	cfg.Start = time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC)
	cfg.Host = "cdn.example.com"
	cfg.UserAgent = "curl/8.5.0"
	line := strings.TrimPrefix(logLines(t, cfg, topology.Outcome{Time: 90 * sim.Second, Status: 200}), AccessLogHeader)
	f := strings.Split(line, "\t")
	if got := strings.Join([]string{f[0], f[1], f[6], f[10], f[15]}, " "); got != "2026-01-01 00:00:30 cdn.example.com curl/8.5.0 cdn.example.com" {
		t.Errorf("date time host ua x-host-header = %q", got)
	}
}

func TestAccessLogSampling(t *testing.T) {
	t.Parallel()
	const n = 100_000
	for _, p := range []float64{0.01, 0.3, 1} {
		l := sampledLog(t, p)
		var o topology.Outcome
		for range n {
			l.Observe(&o)
		}
		// Binomial(n, p): within 5 standard deviations (a false alarm
		// once in ~3.5 million runs; the stream is seeded, so never here).
		mean, sd := n*p, math.Sqrt(n*p*(1-p))
		if got := float64(l.Lines()); math.Abs(got-mean) > 5*sd {
			t.Errorf("sample %v: %v of %d lines, want %.0f ± %.0f", p, got, n, mean, 5*sd)
		}
	}
	for _, bad := range []float64{-0.1, 1.5, math.NaN()} {
		cfg := testLogConfig()
		cfg.Sample = bad
		if _, err := NewAccessLog(io.Discard, cfg); err == nil {
			t.Errorf("sample %v accepted", bad)
		}
	}
}

// TestAccessLogSampleIsACoinPerRequest checks that the sample's gaps make
// each request's chance of a line sample whatever came before, as a coin
// per request would: after a logged request and after an unlogged one
// alike, and after a run of four unlogged ones (a gap drawn too short or
// too long would show there).
func TestAccessLogSampleIsACoinPerRequest(t *testing.T) {
	t.Parallel()
	const n, p = 200_000, 0.3
	l := sampledLog(t, p)
	var o topology.Outcome
	logged := make([]bool, n)
	for i := range logged {
		before := l.Lines()
		l.Observe(&o)
		logged[i] = l.Lines() > before
	}
	// after[k]: requests following k unlogged ones (k = 0: a logged one).
	var after, hits [5]float64
	for i := 4; i < n; i++ {
		k := 0
		for k < 4 && !logged[i-1-k] {
			k++
		}
		after[k]++
		if logged[i] {
			hits[k]++
		}
	}
	for k := range after {
		// Binomial: within 5 standard deviations.
		got, sd := hits[k]/after[k], math.Sqrt(p*(1-p)/after[k])
		if math.Abs(got-p) > 5*sd {
			t.Errorf("after %d unlogged requests: %.4f of %v logged, want %v ± %.4f", k, got, after[k], p, 5*sd)
		}
	}
}

// sampledLog is an access log of the test configuration sampling p of the
// requests, writing nowhere.
func sampledLog(t *testing.T, p float64) *AccessLog {
	t.Helper()
	cfg := testLogConfig()
	cfg.Sample = p
	l, err := NewAccessLog(io.Discard, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestAccessLogDeterministic(t *testing.T) {
	t.Parallel()
	outs := make([]topology.Outcome, 5000)
	for i := range outs {
		outs[i] = topology.Outcome{Time: sim.Time(i) * sim.Second, Object: uint64(i % 97), Size: int64(i), Metro: uint16(i % 5), POP: uint16(i % 2), Status: 200}
	}
	cfg := testLogConfig()
	cfg.Sample = 0.5
	a, b := logLines(t, cfg, outs...), logLines(t, cfg, outs...)
	if a != b {
		t.Error("the same seed and outcomes gave different logs")
	}
	cfg.Seed++
	if logLines(t, cfg, outs...) == a {
		t.Error("another seed gave the same sampled log")
	}
}

func TestAccessLogObserveAllocatesNothing(t *testing.T) {
	cfg := testLogConfig()
	cfg.Cookies = true
	cfg.Sends = []workload.Sends{{
		Tracking: workload.Param{Name: "utm_source", Share: 1, Values: 100},
		Query:    workload.Param{Name: "page", Share: 1, Values: 5},
		Cookie:   workload.Param{Name: "edition", Share: 1, Values: 40},
	}}
	l, err := NewAccessLog(io.Discard, cfg)
	if err != nil {
		t.Fatal(err)
	}
	o := topology.Outcome{Size: 12345, Status: 206, Edge: topology.Hit, TTFB: sim.Millisecond, TTLB: 10 * sim.Millisecond,
		Sent: sentVariant(3, 77, 12), RangeStart: 5, RangeEnd: 12350}
	allocs := testing.AllocsPerRun(10_000, func() {
		o.Time += 7 * sim.Second // crosses days: the cached date is redone
		o.Object++
		l.Observe(&o)
	})
	if allocs != 0 {
		t.Errorf("Observe allocates %v times per line, want 0", allocs)
	}
}

func TestCreateAccessLogIsAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", AccessLogFile)
	l, err := CreateAccessLog(path, testLogConfig())
	if err != nil {
		t.Fatal(err)
	}
	var o topology.Outcome
	for range 3000 { // > flushAt: part of it reaches the temporary file
		l.Observe(&o)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s exists before Close (%v)", path, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 3002 {
		t.Errorf("%d lines, want 2 header lines and 3000 requests", n)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("%d files in the directory, want only %s", len(ents), AccessLogFile)
	}

	// Abort leaves nothing, and an existing log untouched.
	l, err = CreateAccessLog(path, testLogConfig())
	if err != nil {
		t.Fatal(err)
	}
	l.Observe(&o)
	l.Abort()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, data) {
		t.Error("Abort changed the existing log")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("%d files after Abort, want 1", len(ents))
	}
}

func TestClientIPAndEdgeLocation(t *testing.T) {
	t.Parallel()
	for m, want := range map[uint16]string{0: "192.0.2.1", 253: "192.0.2.254", 254: "198.51.100.1", 508: "203.0.113.1", 762: "192.0.2.1"} {
		if got := ClientIP(m); got != want {
			t.Errorf("ClientIP(%d) = %s, want %s", m, got, want)
		}
	}
	for pop, want := range map[string]string{"IAD": "IAD65-C1", "FRA": "FRA78-C1", "New York": "New%20York"} {
		if got := EdgeLocation(pop); !strings.HasPrefix(got, want) || !regexp.MustCompile(`[0-9]{2}-C1$`).MatchString(got) {
			t.Errorf("EdgeLocation(%q) = %s, want %s…NN-C1", pop, got, want)
		}
	}
}

// TestAccessLogSkipsTheWarmup: requests of the warm-up are not logged, the
// log's clock starts at the end of the warm-up, and a #Remark says so.
func TestAccessLogSkipsTheWarmup(t *testing.T) {
	t.Parallel()
	cfg := testLogConfig()
	cfg.Warmup = sim.Hour
	out := logLines(t, cfg,
		topology.Outcome{Time: 30 * sim.Minute, Edge: topology.Hit, Status: 200},
		topology.Outcome{Time: sim.Hour + 5*sim.Second, Edge: topology.Hit, Status: 200})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(out, AccessLogHeader) ||
		lines[2] != "#Remark: cdnsim simulated a 1h warm-up before the first line; it is not logged" {
		t.Fatalf("log:\n%s", out)
	}
	if !strings.HasPrefix(lines[3], "2026-01-01\t00:00:05\t") {
		t.Errorf("the request 5 s after the warm-up is logged as %q", lines[3][:20])
	}
}

// sentVariant is what a viewer sent: the meaningful parameter's value q,
// the tracking one's tr, the cookie's c; a negative value is not sent.
func sentVariant(q, tr, c int64) workload.Variant {
	var v workload.Variant
	for _, p := range []struct {
		part  workload.Variant
		value int64
	}{{workload.VariantQuery, q}, {workload.VariantTracking, tr}, {workload.VariantCookie, c}} {
		if p.value >= 0 {
			v = v.With(p.part, uint64(p.value))
		}
	}
	return v
}

// TestAccessLogQueryAndCookie: cs-uri-query is what the viewer sent, the
// meaningful parameter first, without the "?", "-" when nothing; cs(Cookie)
// its cookie when cookie logging is on, else "-"; cs-bytes counts both
// whether logged or not (380 + the host's 29 bytes + the path's 8, then
// "?" and the query, then "Cookie: " + value + CRLF).
func TestAccessLogQueryAndCookie(t *testing.T) {
	t.Parallel()
	sends := workload.Sends{
		Tracking: workload.Param{Name: "utm_source", Share: 0.2, Values: 1_000_000},
		Query:    workload.Param{Name: "page", Share: 0.1, Values: 5},
		Cookie:   workload.Param{Name: "edition", Share: 0.3, Values: 40},
	}
	odd := workload.Sends{Query: workload.Param{Name: "q[]", Share: 1, Values: 1}}
	for _, tc := range []struct {
		name          string
		sends         workload.Sends
		cookies       bool
		sent          workload.Variant
		query, cookie string
		csBytes       string
	}{
		{"nothing sent", sends, true, sentVariant(-1, -1, -1), "-", "-", "417"},
		{"both parameters and a cookie, cookie logging on", sends, true, sentVariant(3, 734512, 12), "page=3&utm_source=734512", "edition=12", "462"},
		{"the same with cookie logging off", sends, false, sentVariant(3, 734512, 12), "page=3&utm_source=734512", "-", "462"},
		{"a tracking parameter alone", sends, true, sentVariant(-1, 0, -1), "utm_source=0", "-", "430"},
		{"a cookie alone", sends, true, sentVariant(-1, -1, 39), "-", "edition=39", "437"},
		{"a part the class does not send is not logged", workload.Sends{}, true, sentVariant(3, 7, 1), "-", "-", "417"},
		{"a name URL-encoded as CloudFront encodes it", odd, true, sentVariant(0, -1, -1), "q%5B%5D=0", "-", "427"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testLogConfig()
			cfg.Sends, cfg.Cookies = []workload.Sends{tc.sends}, tc.cookies
			line := strings.TrimPrefix(logLines(t, cfg, topology.Outcome{Object: 42, Status: 200, Edge: topology.Hit, Sent: tc.sent}), AccessLogHeader)
			f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
			if len(f) != 33 {
				t.Fatalf("%d fields: %q", len(f), line)
			}
			if f[7] != "/news/42" || f[11] != tc.query || f[12] != tc.cookie || f[17] != tc.csBytes {
				t.Errorf("cs-uri-stem %q cs-uri-query %q cs(Cookie) %q cs-bytes %s; want /news/42 %q %q %s",
					f[7], f[11], f[12], f[17], tc.query, tc.cookie, tc.csBytes)
			}
		})
	}
}

// TestAccessLogRangeFieldsOnlyFor206 (with TestAccessLogRange): the range
// fields of the first byte's 206, and "-" for a range request that failed
// and for a whole object.
func TestAccessLogRangeFieldsOnlyFor206(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name               string
		o                  topology.Outcome
		status, len, start string
		end                string
	}{
		{"the first byte", topology.Outcome{Status: 206, Edge: topology.Miss, Size: 1, RangeStart: 0, RangeEnd: 1},
			"206", "1", "0", "0"},
		{"a range request the origin failed", topology.Outcome{Status: 503, Edge: topology.Error, Size: 512, RangeStart: 10, RangeEnd: 20},
			"503", "512", "-", "-"},
		{"a whole object", topology.Outcome{Status: 200, Edge: topology.Hit, Size: 5000}, "200", "5000", "-", "-"},
	} {
		line := strings.TrimPrefix(logLines(t, testLogConfig(), tc.o), AccessLogHeader)
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 33 {
			t.Fatalf("%s: %d fields", tc.name, len(f))
		}
		if got, want := strings.Join([]string{f[8], f[30], f[31], f[32]}, " "), strings.Join([]string{tc.status, tc.len, tc.start, tc.end}, " "); got != want {
			t.Errorf("%s: sc-status sc-content-len sc-range-start sc-range-end = %s, want %s", tc.name, got, want)
		}
	}
}

// TestEscapeField: CloudFront's table of URL-encoded characters, and
// nothing else ("&", "=", "(", ";" and "/" stay).
func TestEscapeField(t *testing.T) {
	t.Parallel()
	in := "a b\t%<>\"#{}|\\^~[]`'\x7fé&=(;)/"
	want := "a%20b%09%25%3C%3E%22%23%7B%7D%7C%5C%5E%7E%5B%5D%60%27%7F%C3%A9&=(;)/"
	if got := escapeField(in); got != want {
		t.Errorf("escapeField(%q) = %q, want %q", in, got, want)
	}
	if got := escapeField(""); got != "-" {
		t.Errorf("escapeField(\"\") = %q, want -", got)
	}
}
