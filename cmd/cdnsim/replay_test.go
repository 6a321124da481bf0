package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/workload"
)

// writeTrace writes recs with the workload package's writer, so these tests
// do not depend on the file layout of either format.
func writeTrace(t *testing.T, name string, f workload.TraceFormat, recs []workload.TraceRecord) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := workload.NewTraceWriter(fh, f)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// tinyTrace is the hand-worked trace: (id:size) 1:4 2:4 1:4 3:4 2:4 1:4 4:2
// 1:4 3:4. 34 bytes are requested; the working set is 4 objects, 14 bytes.
func tinyTrace(t *testing.T) string {
	t.Helper()
	ids := []uint64{1, 2, 1, 3, 2, 1, 4, 1, 3}
	recs := make([]workload.TraceRecord, len(ids))
	for i, id := range ids {
		size := int64(4)
		if id == 4 {
			size = 2
		}
		recs[i] = workload.TraceRecord{Time: int64(i), ID: id, Size: size, Next: -1}
	}
	return writeTrace(t, "tiny.csv", workload.TraceCSV, recs)
}

// replayRows runs `cdnsim replay args... --json` and decodes its lines.
func replayRows(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := runMain(append([]string{"replay", "--json"}, args...), &out, &errOut); code != exitOK {
		t.Fatalf("replay %v: exit %d, stderr:\n%s", args, code, errOut.String())
	}
	var rows []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		rows = append(rows, m)
	}
	return rows
}

// cell is the part of a JSON row that does not depend on timing.
type cell struct {
	policy, admission string
	capacity, misses  int64
	miss, byteMiss    float64
}

func cells(rows []map[string]any) []cell {
	out := make([]cell, len(rows))
	for i, m := range rows {
		out[i] = cell{
			policy: m["policy"].(string), admission: m["admission"].(string),
			capacity: int64(m["capacity"].(float64)), misses: int64(m["misses"].(float64)),
			miss: m["miss_ratio"].(float64), byteMiss: m["byte_miss_ratio"].(float64),
		}
	}
	return out
}

func TestReplayFractionOfWorkingSet(t *testing.T) {
	t.Parallel()
	path := tinyTrace(t)
	for _, tc := range []struct {
		name string
		args []string
		want int64 // resolved capacity
		msg  string
	}{
		// 0.75 × 14 bytes = 10.5, truncated like libCacheSim's cachesim.
		{"a fraction of the bytes is truncated", []string{"--capacity", "0.75"}, 10, "capacity 0.75 of the working set = 10B"},
		{"a fraction of the objects with --ignore-size", []string{"--capacity", "0.75", "--ignore-size"}, 3, "capacity 0.75 of the working set = 3 objects"},
		{"a percentage is a fraction", []string{"--capacity", "50%"}, 7, "capacity 50% of the working set = 7B"},
		{"a tiny fraction still holds something", []string{"--capacity", "0.01"}, 1, "= 1B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"replay", path, "--policy", "lru", "--json"}, tc.args...)
			if code := runMain(args, &out, &errOut); code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var m map[string]any
			if err := json.Unmarshal(out.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			if got := int64(m["capacity"].(float64)); got != tc.want {
				t.Errorf("capacity = %d, want %d", got, tc.want)
			}
			if !strings.Contains(errOut.String(), tc.msg) {
				t.Errorf("stderr %q does not report %q", errOut.String(), tc.msg)
			}
		})
	}
}

func TestReplayJSONLinesHaveEveryKey(t *testing.T) {
	t.Parallel()
	path := tinyTrace(t)
	var out, errOut bytes.Buffer
	if code := runMain([]string{"replay", path, "--policy", "fifo,lru", "--capacity", "10,3", "--json"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), out.String())
	}
	keys := []string{"policy", "admission", "capacity", "requests", "misses", "miss_ratio", "byte_miss_ratio", "seconds"}
	sixDecimals := regexp.MustCompile(`"miss_ratio":\d\.\d{6},"byte_miss_ratio":\d\.\d{6},`)
	order := []struct {
		policy   string
		capacity float64
	}{{"fifo", 10}, {"fifo", 3}, {"lru", 10}, {"lru", 3}}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		if len(m) != len(keys) {
			t.Errorf("line %d has %d keys, want %d: %s", i+1, len(m), len(keys), line)
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, line)
			}
		}
		if !sixDecimals.MatchString(line) {
			t.Errorf("line %d: miss ratios not printed with 6 decimals: %s", i+1, line)
		}
		if m["policy"] != order[i].policy || m["capacity"] != order[i].capacity || m["requests"] != 9.0 {
			t.Errorf("line %d = %s, want policy %s capacity %v of 9 requests", i+1, line, order[i].policy, order[i].capacity)
		}
	}
}

func TestReplayTableIsAligned(t *testing.T) {
	t.Parallel()
	path := tinyTrace(t)
	var out, errOut bytes.Buffer
	if code := runMain([]string{"replay", path, "--policy", "lru,fifo", "--capacity", "1KB,10"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want a header and 4 rows:\n%s", len(lines), out.String())
	}
	for _, col := range []string{"policy", "capacity", "miss_ratio", "byte_miss_ratio", "seconds", "req/s"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %q", lines[0], col)
		}
	}
	for _, l := range lines[1:] {
		if len(l) != len(lines[0]) {
			t.Errorf("row %q is not as wide as the header %q", l, lines[0])
		}
	}
	// 1KB holds all 14 bytes of the working set: only the 4 first requests miss.
	if f := strings.Fields(lines[1]); f[0] != "lru" || f[2] != "1KB" || f[4] != "4" || f[5] != "0.444444" {
		t.Errorf("first row %q, want lru 1KB with 4 misses (0.444444)", lines[1])
	}
}

func TestReplayErrors(t *testing.T) {
	t.Parallel()
	path := tinyTrace(t)
	zero := writeTrace(t, "zero.csv", workload.TraceCSV, []workload.TraceRecord{
		{Time: 0, ID: 1, Size: 10}, {Time: 1, ID: 2, Size: 10},
	})
	appendFile(t, zero, "2,3,0\n") // a size the writer refuses to write
	for _, tc := range []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"an unknown policy names the flag", []string{path, "--policy", "lru,nope", "--capacity", "10"}, []string{"--policy", `"nope"`}},
		{"an unknown admission names the flag", []string{path, "--policy", "lru", "--capacity", "10", "--admission", "nope"}, []string{"--admission", `"nope"`}},
		{"a bad capacity names the flag", []string{path, "--policy", "lru", "--capacity", "10XB"}, []string{"--capacity", "10XB"}},
		{"a zero capacity is refused", []string{path, "--policy", "lru", "--capacity", "0"}, []string{"--capacity"}},
		{"a fraction above 1 is refused", []string{path, "--policy", "lru", "--capacity", "1.5"}, []string{"--capacity", "(0, 1]"}},
		{"a byte size with --ignore-size is refused", []string{path, "--policy", "lru", "--capacity", "1KB", "--ignore-size"}, []string{"--capacity", "object count"}},
		{"the policy is required", []string{path, "--capacity", "10"}, []string{"--policy is required"}},
		{"the capacity is required", []string{path, "--policy", "lru"}, []string{"--capacity is required"}},
		{"one trace is required", []string{"--policy", "lru", "--capacity", "10"}, []string{"TRACE"}},
		{"an unknown format names the flag", []string{path, "--policy", "lru", "--capacity", "10", "--format", "xml"}, []string{"--format", `"xml"`}},
		{"a missing trace", []string{filepath.Join(t.TempDir(), "absent.csv"), "--policy", "lru", "--capacity", "10"}, []string{"absent.csv"}},
		{"a zero size names the file and record", []string{zero, "--policy", "lru", "--capacity", "10"}, []string{zero, "record 3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runMain(append([]string{"replay"}, tc.args...), &out, &errOut)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr: %s", code, exitUsage, errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr %q lacks %q", errOut.String(), w)
				}
			}
			if out.Len() != 0 {
				t.Errorf("stdout not empty: %q", out.String())
			}
		})
	}
}

func TestReplayMalformedTraceNamesFileAndRecord(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := workload.NewTraceWriter(&buf, workload.TraceCSV)
	for i := range 3 {
		if err := w.Write(workload.TraceRecord{Time: int64(i), ID: uint64(i), Size: 10, Next: -1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// The 4th record's fields are not numbers, whatever the column layout.
	buf.WriteString("x,y,z\n")
	path := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := runMain([]string{"replay", path, "--policy", "lru", "--capacity", "10"}, &out, &errOut)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if msg := errOut.String(); !strings.Contains(msg, path+":5: record 4:") {
		t.Errorf("stderr %q does not name %s, line 5 and record 4", msg, path)
	}
}

func TestReplayHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"replay", "--help"}, {"help", "replay"}} {
		var out, errOut bytes.Buffer
		if code := runMain(args, &out, &errOut); code != exitOK {
			t.Errorf("%v: exit %d, want 0", args, code)
		}
		if !strings.Contains(out.String()+errOut.String(), "--capacity") && !strings.Contains(out.String()+errOut.String(), "-capacity") {
			t.Errorf("%v: usage does not describe --capacity", args)
		}
	}
}

func TestReplayAdmissionSpecIsReported(t *testing.T) {
	t.Parallel()
	path := tinyTrace(t)
	// max-size:3 admits only object 4 (2 bytes), which is never requested
	// again, so every request misses even though 10 bytes would hold three
	// objects; the label keeps the argument.
	got := cells(replayRows(t, path, "--policy", "lru", "--capacity", "10", "--admission", "max-size:3"))
	want := cell{"lru", "max-size:3", 10, 9, 1, 1}
	if got[0] != want {
		t.Errorf("got %+v, want %+v", got[0], want)
	}
}

// TestReplayReadsACloudFrontLog: replay reads what a scenario's trace
// reads. The log's two objects both fit in 1MB, so only their first
// requests miss; /index.html weighs its full 39270 bytes each time, though
// its last transfer sent 120.
func TestReplayReadsACloudFrontLog(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "E2EXAMPLE.2019-12-04-21.a1b2c3d4")
	writeFile(t, path, cloudFrontLog)
	rows := cells(replayRows(t, path, "--format", "cloudfront", "--policy", "lru", "--capacity", "1MB"))
	total := float64(3*39270 + 5120)
	want := cell{"lru", "always", 1 << 20, 2, 0.5, float64(int64((39270+5120)/total*1e6+0.5)) / 1e6}
	if len(rows) != 1 || rows[0] != want {
		t.Fatalf("got %+v, want %+v", rows, want)
	}
}
