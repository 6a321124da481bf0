package workload

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/cdnsim/cdnsim/sim"
)

var testMetros = []Metro{
	{Name: "Washington", Lat: 38.9, Lon: -77.0, Weight: 1},
	{Name: "São Paulo", Lat: -23.5, Lon: -46.6, Weight: 3},
	{Name: "Frankfurt, DE", Lat: 50.1, Lon: 8.7, Weight: 1},
}

func memSource(t *testing.T, cfg TraceSourceConfig, data string) (*TraceSource, error) {
	t.Helper()
	if cfg.Metros == nil {
		cfg.Metros = testMetros
	}
	return newTraceSource(cfg, func() (*TraceReader, error) {
		return NewTraceReader(strings.NewReader(data), cfg.Path, cfg.Format), nil
	})
}

func drainTrace(s *TraceSource) []Request {
	var out []Request
	var r Request
	for s.Next(&r) {
		out = append(out, r)
	}
	return out
}

// show renders requests compactly: time(s)/object/size/metro/class/method.
func showReqs(rs []Request) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%d/%d/%d/%d/%d/%v ", r.Time/sim.Second, r.Object, r.Size, r.Metro, r.Class, r.Method)
	}
	return strings.TrimSpace(b.String())
}

func TestTraceSourceCSVColumnsByName(t *testing.T) {
	t.Parallel()
	// Columns in another order, an unused column, a quoted metro name with a
	// comma, a path picking the longer of two prefixes, an empty metro.
	data := "path,size,extra,obj_id,time,metro,method\n" +
		"/static/a.js,100,x,7,1000,Washington,GET\n" +
		"/static/img/b.png,200,x,8,1000,\"Frankfurt, DE\",head\n" +
		"/api/c,300,x,9,1002,São Paulo,POST\n" +
		"\n" +
		"/other,400,x,7,1005,,\n"
	s, err := memSource(t, TraceSourceConfig{Path: "t.csv", Format: TraceCSV,
		Prefixes: []string{"/", "/static/", "/static/img/"}, Seed: 1}, data)
	if err != nil {
		t.Fatal(err)
	}
	if s.Duration() != 6*sim.Second || s.Requests() != 4 {
		t.Fatalf("duration %v requests %d; want 6s and 4", s.Duration(), s.Requests())
	}
	got := drainTrace(s)
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	// The last request has no metro: it is spread by weight (seeded), so
	// check its metro separately.
	if len(got) != 4 {
		t.Fatalf("got %d requests", len(got))
	}
	spread := got[3].Metro
	got[3].Metro = 9
	want := "0/7/100/0/1/GET 0/8/200/2/2/HEAD 2/9/300/1/0/POST 5/7/400/9/0/GET"
	if showReqs(got) != want {
		t.Fatalf("got  %s\nwant %s", showReqs(got), want)
	}
	if spread > 2 {
		t.Fatalf("spread metro %d out of range", spread)
	}
}

func TestTraceSourceSpreadsByWeightDeterministically(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("time,obj_id,size\n")
	const n = 20000
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,1\n", i/100, i)
	}
	metros := func(seed uint64) []int {
		s, err := memSource(t, TraceSourceConfig{Path: "t.csv", Format: TraceCSV, Seed: seed}, b.String())
		if err != nil {
			t.Fatal(err)
		}
		counts := make([]int, len(testMetros))
		var seq []int
		for _, r := range drainTrace(s) {
			counts[r.Metro]++
			seq = append(seq, int(r.Metro))
		}
		// Weights 1:3:1: São Paulo gets 60% ± 5 standard errors (0.35%).
		if share := float64(counts[1]) / n; share < 0.6-0.0175 || share > 0.6+0.0175 {
			t.Errorf("seed %d: São Paulo share %.4f, want 0.6", seed, share)
		}
		return seq
	}
	a, a2, c := metros(1), metros(1), metros(2)
	if fmt.Sprint(a) != fmt.Sprint(a2) {
		t.Error("the same seed spread differently")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("seeds 1 and 2 spread the same")
	}
}

func TestTraceSourceOracleZstd(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.oracleGeneral.zst")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := zstd.NewWriter(f)
	w := NewTraceWriter(zw, TraceOracle)
	// Unix times: virtual time starts at the first record.
	for _, r := range []TraceRecord{{1700000000, 5, 10, 3}, {1700000000, 6, 20, -1}, {1700000042, 5, 10, -1}} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	f.Close()
	s, err := OpenTraceSource(TraceSourceConfig{Path: path, Format: TraceOracle, Metros: testMetros[:1], Prefixes: []string{"/a/", "/b/"}})
	if err != nil {
		t.Fatal(err)
	}
	got := drainTrace(s)
	if want := "0/5/10/0/0/GET 0/6/20/0/0/GET 42/5/10/0/0/GET"; showReqs(got) != want || s.Err() != nil {
		t.Fatalf("got %s (err %v), want %s", showReqs(got), s.Err(), want)
	}
	if s.Duration() != 43*sim.Second || s.Path() != nil {
		t.Fatalf("duration %v, path %q", s.Duration(), s.Path())
	}
}

// cfLog is a hand-written CloudFront standard log: two header lines, the
// full field list, five requests (one a range response, one a 304 with 0
// bytes, one from an edge location no POP of the scenario is named after).
const cfLog = "#Version: 1.0\n" +
	"#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n" +
	"2019-12-04\t21:02:31\tIAD89-C1\t39270\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-\n" +
	"2019-12-04\t21:02:31\tgru1-c2\t512000\t192.0.2.101\tGET\td111111abcdef8.cloudfront.net\t/video/a.mp4\t206\t-\tcurl\t-\t-\tMiss\tk6WGMNkEzR5BEM_SaF47gjtX9zBzO2m4VkIjXbUA2W9LwUlgG8H7Hw==\td111111abcdef8.cloudfront.net\thttps\t40\t0.2\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tMiss\tHTTP/1.1\t-\t-\t443\t0.1\tMiss\tvideo/mp4\t512000\t0\t511999\n" +
	"2019-12-04\t21:02:33\tNRT57-P2\t0\t192.0.2.102\tHEAD\td111111abcdef8.cloudfront.net\t/index.html\t304\t-\t-\t-\t-\tRefreshHit\tx\td111111abcdef8.cloudfront.net\thttps\t20\t0.001\t-\t-\t-\tRefreshHit\tHTTP/1.1\t-\t-\t443\t0.001\tRefreshHit\t-\t-\t-\t-\n" +
	"2019-12-04\t21:03:00\tIAD12\t2048000\t192.0.2.103\tGET\td111111abcdef8.cloudfront.net\t/video/a.mp4\t200\t-\t-\t-\t-\tHit\tx\td111111abcdef8.cloudfront.net\thttps\t20\t0.5\t-\t-\t-\tHit\tHTTP/1.1\t-\t-\t443\t0.001\tHit\tvideo/mp4\t2048000\t-\t-\n" +
	"2019-12-05\t00:00:00\tGRU3\t-\t192.0.2.104\tPOST\td111111abcdef8.cloudfront.net\t/api/vote\t200\t-\t-\tid=3\t-\tMiss\tx\td111111abcdef8.cloudfront.net\thttps\t90\t0.05\t-\t-\t-\tMiss\tHTTP/1.1\t-\t-\t443\t0.05\tMiss\tapplication/json\t2\t-\t-\n"

func TestTraceSourceCloudFrontLog(t *testing.T) {
	t.Parallel()
	s, err := memSource(t, TraceSourceConfig{Path: "cf.log", Format: TraceCloudFront,
		Prefixes:  []string{"/", "/video/"},
		Locations: map[string]uint16{"IAD": 0, "GRU": 1}, Seed: 3}, cfLog)
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests() != 5 || s.Duration() != (3*3600-151+1)*sim.Second {
		t.Fatalf("requests %d duration %v", s.Requests(), s.Duration())
	}
	var got []Request
	var paths []string
	var r Request
	for s.Next(&r) {
		got = append(got, r)
		paths = append(paths, string(s.Path()))
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	// NRT is no POP here: spread by weight (seeded).
	if got[2].Metro > 2 {
		t.Fatalf("NRT request: metro %d", got[2].Metro)
	}
	got[2].Metro = 9
	// /index.html is object 0 and weighs its largest sc-bytes (39270), the
	// video 2048000 (its full response, not the 206's 512000), the POST's
	// "-" bytes make a 1-byte object.
	want := "0/0/39270/0/0/GET 0/1/2048000/1/1/GET 2/0/39270/9/0/HEAD 29/1/2048000/0/1/GET 10649/2/1/1/0/POST"
	if showReqs(got) != want {
		t.Fatalf("got  %s\nwant %s", showReqs(got), want)
	}
	// The 206 is a range request for its bytes 0-511999; the rest are whole.
	for i, r := range got {
		if i == 1 && (r.RangeStart != 0 || r.RangeEnd != 512000) || i != 1 && r.Ranged() {
			t.Errorf("request %d: range [%d, %d), want [0, 512000) for the 206 and none for the others", i+1, r.RangeStart, r.RangeEnd)
		}
	}
	if strings.Join(paths, " ") != "/index.html /video/a.mp4 /index.html /video/a.mp4 /api/vote" {
		t.Fatalf("paths %q", paths)
	}
}

func TestTraceSourceCloudFrontFieldsByName(t *testing.T) {
	t.Parallel()
	// A reordered subset with a metro column, and a second header (two
	// files concatenated) that reorders again.
	log := "#Fields: cs-uri-stem metro time date sc-bytes\n" +
		"/a\tSão Paulo\t10:00:00\t2024-02-29\t5\n" +
		"#Version: 1.0\n#Fields: date time sc-bytes cs-uri-stem x-edge-location\n" +
		"2024-02-29\t10:00:01\t7\t/b\tiad5\n"
	s, err := memSource(t, TraceSourceConfig{Path: "cf.log", Format: TraceCloudFront, Locations: map[string]uint16{"IAD": 2}}, log)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := showReqs(drainTrace(s)), "0/0/5/1/0/GET 1/1/7/2/0/GET"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestTraceSourceErrorsNameFileLineAndRecord(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		format TraceFormat
		data   string
		want   string
	}{
		{"t.csv", TraceCSV, "time,obj_id,size\n5,1,1\n\n4,2,1\n", "t.csv:4: record 2: time: 4 is before the previous record's 5; sort the trace by time"},
		{"t.csv", TraceCSV, "time,obj_id,size,metro\n5,1,1,Atlantis\n", `t.csv:2: record 1: metro: no metro named "Atlantis" in the scenario`},
		{"t.csv", TraceCSV, "time,obj_id,size,method\n5,1,1,BREW\n", `t.csv:2: record 1: method: unknown method "BREW"`},
		{"t.csv", TraceCSV, "time,obj_id,size\n5,1,0\n", "t.csv:2: record 1: size: 0 (sizes must be > 0)"},
		{"t.csv", TraceCSV, "time,obj_id,size\n5,x,1\n", `t.csv:2: record 1: obj_id: not a number "x"`},
		{"t.csv", TraceCSV, "time,obj_id,size,path\n5,1,1,\"/a\n", "t.csv:2: record 1: field 4: unterminated quoted field"},
		{"t.csv", TraceCSV, "time,obj_id,size,metro\n5,1,1\n", "t.csv:2: record 1: want 4 fields as the header names, got 3"},
		{"t.csv", TraceCSV, "time,size,id\n", `t.csv:1: header: no obj_id column`},
		{"t.csv", TraceCSV, "time,obj_id,size,size\n", `t.csv:1: header: column "size" appears twice`},
		{"t.csv", TraceCSV, "", "t.csv: empty file"},
		{"t.csv", TraceCSV, "time,obj_id,size\n", "t.csv: the trace holds no requests"},
		{"t.oracleGeneral", TraceOracle, "0123456789", "t.oracleGeneral: record 1: truncated"},
		{"cf.log", TraceCloudFront, "2019-12-04\t21:02:31\n", "cf.log:1: record 1: no #Fields: line before the first record"},
		{"cf.log", TraceCloudFront, "#Fields: date time sc-bytes\n", "cf.log:1: #Fields: no cs-uri-stem column"},
		{"cf.log", TraceCloudFront, "#Fields: date time sc-bytes cs-uri-stem\n2019-02-29\t00:00:00\t1\t/a\n", `cf.log:2: record 1: date time: want YYYY-MM-DD and HH:MM:SS, got "2019-02-29" "00:00:00"`},
		{"cf.log", TraceCloudFront, "#Fields: date time sc-bytes cs-uri-stem\n2019-02-28\t00:00:00\tlots\t/a\n", `cf.log:2: record 1: sc-bytes: not a number "lots"`},
		{"cf.log", TraceCloudFront, "#Fields: date time sc-bytes cs-uri-stem\n2019-02-28\t00:00:00\t1\n", "cf.log:2: record 1: want 4 tab-separated fields as #Fields names, got 3"},
		{"cf.log", TraceCloudFront, "#Fields: date time sc-bytes cs-uri-stem\n2019-02-28\t00:00:01\t1\t/a\n2019-02-28\t00:00:00\t1\t/a\n", "cf.log:3: record 2: time: 1551312000 is before the previous record's 1551312001"},
		// Ranges: both columns or neither, whole byte offsets, first <= last,
		// within a CSV record's size.
		{"t.csv", TraceCSV, "time,obj_id,size,range_start\n", "t.csv:1: header: a range_start column but no range_end: a range needs its first and last byte"},
		{"t.csv", TraceCSV, "time,range_end,obj_id,size\n", "t.csv:1: header: a range_end column but no range_start"},
		{"t.csv", TraceCSV, rangeHdr + "5,1,10,,\n\n6,1,10,3,\n", "t.csv:4: record 2: range_end: empty, but range_start is given: a range needs its first and last byte"},
		{"t.csv", TraceCSV, rangeHdr + "5,1,10,-,4\n", "t.csv:2: record 1: range_start: empty, but range_end is given"},
		{"t.csv", TraceCSV, rangeHdr + "5,1,10,x,4\n", `t.csv:2: record 1: range_start: not a number "x"`},
		{"t.csv", TraceCSV, rangeHdr + "5,1,10,-1,4\n", "t.csv:2: record 1: range_start: negative (-1)"},
		{"t.csv", TraceCSV, rangeHdr + "5,1,10,2,4.5\n", `t.csv:2: record 1: range_end: not a number "4.5"`},
		{"t.csv", TraceCSV, rangeHdr + "5,1,10,6,4\n", "t.csv:2: record 1: range_start: 6 is after range_end 4 (the last byte)"},
		{"t.csv", TraceCSV, rangeHdr + "5,1,10,0,9\n6,1,10,0,10\n", "t.csv:3: record 2: range_end: 10 is past the object's last byte (size 10: bytes 0-9)"},
		{"cf.log", TraceCloudFront, "#Fields: date time sc-bytes cs-uri-stem sc-range-start\n", "cf.log:1: #Fields: a sc-range-start column but no sc-range-end"},
		{"cf.log", TraceCloudFront, cfRangeHdr + "2019-02-28\t00:00:00\t1\t/a\t5\t-\n", "cf.log:2: record 1: sc-range-end: empty, but sc-range-start is given"},
		{"cf.log", TraceCloudFront, cfRangeHdr + "2019-02-28\t00:00:00\t1\t/a\t5\t9223372036854775807\n", "cf.log:2: record 1: sc-range-end: 9223372036854775807 is not a byte offset"},
	} {
		_, err := memSource(t, TraceSourceConfig{Path: tc.name, Format: tc.format}, tc.data)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v\nwant prefix %q", tc.data, err, tc.want)
		}
	}
}

// Headers of traces with range columns.
const (
	rangeHdr   = "time,obj_id,size,range_start,range_end\n"
	cfRangeHdr = "#Fields: date time sc-bytes cs-uri-stem sc-range-start sc-range-end\n"
)

// TestTraceSourceRanges: a GET with range fields is a range request for
// [first, last+1); one without asks for the whole object; another
// method's range is ignored; a CloudFront object is as large as its
// ranges reach. A trace without range columns carries none.
func TestTraceSourceRanges(t *testing.T) {
	t.Parallel()
	csv := "time,obj_id,size,method,range_end,range_start\n" +
		"5,1,100,GET,9,0\n" +
		"5,1,100,GET,,\n" +
		"6,2,100,HEAD,99,50\n" +
		"7,2,100,GET,99,99\n"
	cf := cfRangeHdr +
		"2019-02-28\t00:00:00\t1420\t/v\t1000\t1999\n" + // a 206: the object has at least 2000 bytes
		"2019-02-28\t00:00:01\t-\t/v\t-\t-\n" +
		"2019-02-28\t00:00:02\t1420\t/v\t4000000\t4000999\n"
	for _, tc := range []struct {
		name, data string
		format     TraceFormat
		want       []Request
	}{
		{"csv", csv, TraceCSV, []Request{
			{Time: 0, Object: 1, Size: 100, RangeStart: 0, RangeEnd: 10},
			{Time: 0, Object: 1, Size: 100},
			{Time: sim.Second, Object: 2, Size: 100, Method: HEAD},
			{Time: 2 * sim.Second, Object: 2, Size: 100, RangeStart: 99, RangeEnd: 100},
		}},
		{"cf.log", cf, TraceCloudFront, []Request{
			{Time: 0, Object: 0, Size: 4001000, RangeStart: 1000, RangeEnd: 2000},
			{Time: sim.Second, Object: 0, Size: 4001000},
			{Time: 2 * sim.Second, Object: 0, Size: 4001000, RangeStart: 4000000, RangeEnd: 4001000},
		}},
	} {
		s, err := memSource(t, TraceSourceConfig{Path: tc.name, Format: tc.format, Metros: testMetros[:1]}, tc.data)
		if err != nil {
			t.Fatal(err)
		}
		if got := drainTrace(s); !slices.Equal(got, tc.want) || s.Err() != nil || !s.CarriesRanges() {
			t.Errorf("%s: got %+v, %v, carries ranges %v\nwant %+v", tc.name, got, s.Err(), s.CarriesRanges(), tc.want)
		}
	}
	s, err := memSource(t, TraceSourceConfig{Path: "t.csv", Format: TraceCSV}, "time,obj_id,size\n5,1,100\n")
	if err != nil || s.CarriesRanges() {
		t.Errorf("a trace without range columns: carries ranges %v (%v)", s.CarriesRanges(), err)
	}
}

func TestTraceSourceDurationCutsTheTrace(t *testing.T) {
	t.Parallel()
	data := "time,obj_id,size\n100,1,1\n101,2,1\n102,3,1\n200,4,1\n"
	s, err := memSource(t, TraceSourceConfig{Path: "t.csv", Format: TraceCSV, Duration: 2 * sim.Second}, data)
	if err != nil {
		t.Fatal(err)
	}
	if got := drainTrace(s); len(got) != 2 || s.Requests() != 2 || s.Duration() != 2*sim.Second {
		t.Fatalf("got %s, requests %d, duration %v", showReqs(got), s.Requests(), s.Duration())
	}
}

func TestTraceSourceNextDoesNotAllocate(t *testing.T) {
	var b strings.Builder
	b.WriteString("time,obj_id,size,metro,method,path,range_start,range_end\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "%d,%d,10,São Paulo,GET,/p/%d,%d,9\n", i/10, i%50, i%50, i%10)
	}
	var cf strings.Builder
	cf.WriteString("#Fields: date time x-edge-location sc-bytes cs-method cs-uri-stem sc-range-start sc-range-end\n")
	for i := range 3000 {
		fmt.Fprintf(&cf, "2024-01-01\t10:%02d:%02d\tIAD5\t10\tGET\t/p/%d\t%d\t9\n", i/600, i/10%60, i%50, i%10)
	}
	for _, tc := range []struct {
		f    TraceFormat
		data string
	}{{TraceCSV, b.String()}, {TraceCloudFront, cf.String()}} {
		s, err := memSource(t, TraceSourceConfig{Path: "t", Format: tc.f, Prefixes: []string{"/", "/p/"}, Locations: map[string]uint16{"IAD": 0}}, tc.data)
		if err != nil {
			t.Fatal(err)
		}
		var r Request
		for range 100 { // warm the reused buffers
			s.Next(&r)
		}
		if a := testing.AllocsPerRun(2000, func() { s.Next(&r) }); a != 0 {
			t.Errorf("%v: %v allocations per request", tc.f, a)
		}
	}
}

func TestRequestCSVWriterRoundTrip(t *testing.T) {
	t.Parallel()
	reqs := []Request{
		{Time: 1500 * sim.Millisecond, Object: 3, Size: 9, Metro: 2, Class: 1, Method: PUT},
		{Time: 1900 * sim.Millisecond, Object: 4, Size: 8, Metro: 1, Class: 0, Method: GET},
		{Time: 1999 * sim.Millisecond, Object: 4, Size: 8, Metro: 1, Class: 0, Method: GET, RangeStart: 2, RangeEnd: 8},
	}
	paths := []string{`/up/"q",x`, "/a", "/a"}
	var buf bytes.Buffer
	w := NewRequestCSVWriter(&buf, []string{"Washington", "São Paulo", "Frankfurt, DE"})
	for i, r := range reqs {
		if err := w.Write(r, []byte(paths[i])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "time,obj_id,size,metro,method,path,range_start,range_end\n1,3,9,\"Frankfurt, DE\",PUT,\"/up/\"\"q\"\",x\",,\n" +
		"1,4,8,São Paulo,GET,/a,,\n1,4,8,São Paulo,GET,/a,2,7\n"
	if buf.String() != want {
		t.Fatalf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
	s, err := memSource(t, TraceSourceConfig{Path: "t.csv", Format: TraceCSV, Prefixes: []string{"/", "/up/"}}, buf.String())
	if err != nil {
		t.Fatal(err)
	}
	var r Request
	for i := 0; s.Next(&r); i++ {
		wantR := reqs[i]
		wantR.Time = 0 // whole seconds, from the first record
		if r != wantR || string(s.Path()) != paths[i] {
			t.Errorf("record %d: %+v %q, want %+v %q", i+1, r, s.Path(), wantR, paths[i])
		}
	}
	if err := w.Write(Request{Size: 1, Metro: 7}, nil); err == nil || !strings.Contains(err.Error(), "record 4: metro") {
		t.Errorf("unknown metro: %v", err)
	}
	if err := w.Write(Request{Size: 1}, []byte("/a\nb")); err == nil || !strings.Contains(err.Error(), "record 5: path: a line break") {
		t.Errorf("line break: %v", err)
	}
	for i, r := range []Request{{Size: 8, RangeStart: 8, RangeEnd: 9}, {Size: 8, RangeStart: 3, RangeEnd: 3}, {Size: 8, RangeStart: -1, RangeEnd: 3}} {
		if err := w.Write(r, nil); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("record %d: range: [%d, %d) is not a range of the object's 8 bytes", 6+i, r.RangeStart, r.RangeEnd)) {
			t.Errorf("range [%d, %d) of 8 bytes: %v", r.RangeStart, r.RangeEnd, err)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d, tm string
		want  int64
		ok    bool
	}{
		{"1970-01-01", "00:00:00", 0, true},
		{"2019-12-04", "21:02:31", 1575493351, true},
		{"2000-02-29", "23:59:59", 951868799, true},
		{"2100-02-29", "00:00:00", 0, false},
		{"2019-13-01", "00:00:00", 0, false},
		{"2019-12-04", "24:00:00", 0, false},
		{"2019-12-4", "21:02:31", 0, false},
	} {
		got, ok := parseDateTime([]byte(tc.d), []byte(tc.tm))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("%s %s: %d %v, want %d %v", tc.d, tc.tm, got, ok, tc.want, tc.ok)
		}
	}
}

// checkSourceResult asserts what every input must give: either a clean
// read whose every request is in range and in time order, or an error that
// names the file and a line (text formats) or the header.
func checkSourceResult(t *testing.T, s *TraceSource, err error, name string) {
	t.Helper()
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, name+":") {
			t.Fatalf("error %q does not name the file", msg)
		}
		return
	}
	var r Request
	prev := sim.Time(0)
	n := int64(0)
	for s.Next(&r) {
		n++
		if r.Time < prev || r.Time >= s.Duration() || r.Size <= 0 || int(r.Metro) >= len(testMetros) || r.Class > 1 {
			t.Fatalf("request %d out of range: %+v (duration %v)", n, r, s.Duration())
		}
		if r.Ranged() && !(r.Method == GET && r.RangeStart >= 0 && r.RangeStart < r.RangeEnd && r.RangeEnd <= r.Size) || r.RangeEnd < 0 {
			t.Fatalf("request %d has a bad range: %+v", n, r)
		}
		prev = r.Time
	}
	if s.Err() != nil || n != s.Requests() {
		t.Fatalf("second pass: %d requests of %d, err %v", n, s.Requests(), s.Err())
	}
}

func FuzzCloudFrontSource(f *testing.F) {
	f.Add([]byte(cfLog))
	f.Add([]byte("#Fields: cs-uri-stem metro time date sc-bytes\n/a\tSão Paulo\t10:00:00\t2024-02-29\t5\n"))
	f.Add([]byte("#Fields: date time sc-bytes cs-uri-stem\n0000-01-01\t00:00:00\t1\t/a\n9999-12-31\t23:59:60\t-\t/b\n"))
	f.Add([]byte(cfRangeHdr + "2019-02-28\t00:00:00\t1420\t/v\t1000\t1999\n2019-02-28\t00:00:01\t-\t/v\t-\t-\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := memSource(t, TraceSourceConfig{Path: "cf.log", Format: TraceCloudFront,
			Prefixes: []string{"/", "/v"}, Locations: map[string]uint16{"IAD": 0, "GRU": 1}}, string(data))
		checkSourceResult(t, s, err, "cf.log")
	})
}

func FuzzCSVSource(f *testing.F) {
	f.Add([]byte("path,size,extra,obj_id,time,metro,method\n/static/a.js,100,x,7,1000,Washington,GET\n/b,2,x,8,1000,\"Frankfurt, DE\",head\n"))
	f.Add([]byte("time,obj_id,size\n5,1,1\n\n4,2,1\n"))
	f.Add([]byte("time,obj_id,size,path\n0,1,1,\"a\"\"b\"\n9223372036,2,3,\n"))
	f.Add([]byte("time,obj_id,size,method,range_start,range_end\n5,1,100,GET,0,9\n5,1,100,HEAD,50,99\n6,2,3,GET,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := memSource(t, TraceSourceConfig{Path: "t.csv", Format: TraceCSV, Prefixes: []string{"/", "/v"}}, string(data))
		checkSourceResult(t, s, err, "t.csv")
	})
}
