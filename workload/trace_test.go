package workload

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/klauspost/compress/zstd"
)

func TestTraceFormatFromName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path string
		want TraceFormat
	}{
		{"traces/x.csv", TraceCSV},
		{"x.CSV", TraceCSV},
		{"x.csv.zst", TraceCSV},
		{"x.csv.gz", TraceCSV},
		{"cluster52.oracleGeneral", TraceOracle},
		{"cluster52.oracleGeneral.zst", TraceOracle},
		{"wiki.oracleGeneral.bin", TraceOracle},
		{"wiki.bin.zst", TraceOracle},
		{"x.bin.gz", TraceOracle},
		{"cf.log", TraceCloudFront},
		{"a.txt", TraceCloudFront},
		{"a.tsv.zst", TraceCloudFront},
		// CloudFront's own names: DIST.YYYY-MM-DD-HH.ID.gz
		{"E2EXAMPLE.2019-12-04-21.a1b2c3d4.gz", TraceCloudFront},
	} {
		got, err := TraceFormatFromName(tc.path)
		if err != nil || got != tc.want {
			t.Errorf("TraceFormatFromName(%q) = %v, %v; want %v", tc.path, got, err, tc.want)
		}
	}
	for _, path := range []string{"x.parquet", "x.zst", "csv", "x.csv.bz2"} {
		_, err := TraceFormatFromName(path)
		if err == nil || !strings.HasPrefix(err.Error(), path+": cannot tell the trace format") {
			t.Errorf("TraceFormatFromName(%q) error %v; want one naming the file", path, err)
		}
	}
}

func TestParseTraceFormat(t *testing.T) {
	t.Parallel()
	for _, f := range []TraceFormat{TraceCSV, TraceOracle, TraceCloudFront} {
		for _, name := range []string{f.String(), strings.ToUpper(f.String())} {
			if got, err := ParseTraceFormat(name); err != nil || got != f {
				t.Errorf("ParseTraceFormat(%q) = %v, %v; want %v", name, got, err, f)
			}
		}
	}
	if _, err := ParseTraceFormat("json"); err == nil || err.Error() != `unknown trace format "json" (want csv, oracle or cloudfront)` {
		t.Errorf("json: %v", err)
	}
}

// sampleTrace has repeats (so Next is interesting), the formats' extreme
// values and a zero time.
func sampleTrace() []TraceRecord {
	recs := []TraceRecord{
		{Time: 0, ID: 7, Size: 1},
		{Time: 0, ID: 1 << 63, Size: 4096},
		{Time: 1, ID: 7, Size: 1},
		{Time: 5, ID: math.MaxUint64, Size: math.MaxUint32},
		{Time: math.MaxUint32, ID: 0, Size: 12345},
		{Time: math.MaxUint32, ID: 7, Size: 2},
	}
	ComputeNext(recs)
	return recs
}

func writeTrace(t testing.TB, f TraceFormat, recs []TraceRecord) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewTraceWriter(&buf, f)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(r *TraceReader) ([]TraceRecord, error) {
	var recs []TraceRecord
	var rec TraceRecord
	for r.Next(&rec) {
		recs = append(recs, rec)
	}
	return recs, r.Err()
}

// withoutNext is recs as a CSV trace gives them back: Next unknown.
func withoutNext(recs []TraceRecord) []TraceRecord {
	out := slices.Clone(recs)
	for i := range out {
		out[i].Next = -1
	}
	return out
}

func TestTraceRoundTrip(t *testing.T) {
	t.Parallel()
	recs := sampleTrace()
	for _, tc := range []struct {
		format TraceFormat
		ext    string
		want   []TraceRecord
	}{
		{TraceCSV, ".csv", withoutNext(recs)},
		{TraceOracle, ".oracleGeneral", recs},
	} {
		t.Run(tc.format.String()+" in memory", func(t *testing.T) {
			t.Parallel()
			data := writeTrace(t, tc.format, recs)
			got, err := readAll(NewTraceReader(bytes.NewReader(data), "mem", tc.format))
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("read back %+v, %v\nwant %+v", got, err, tc.want)
			}
		})
		for _, z := range []struct {
			ext string
			new func(io.Writer) (io.WriteCloser, error)
		}{
			{".zst", func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w) }},
			{".gz", func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil }},
		} {
			t.Run(tc.format.String()+" through a "+z.ext+" file", func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "trace"+tc.ext+z.ext)
				writeTraceFile(t, path, tc.format, recs, z.new)
				format, err := TraceFormatFromName(path)
				if err != nil || format != tc.format {
					t.Fatalf("format from name %v, %v", format, err)
				}
				r, err := OpenTrace(path, format)
				if err != nil {
					t.Fatal(err)
				}
				got, err := readAll(r)
				if err != nil || !slices.Equal(got, tc.want) {
					t.Fatalf("read back %+v, %v\nwant %+v", got, err, tc.want)
				}
				if err := r.Close(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// writeTraceFile writes recs in format f to path through the compressor
// compress makes.
func writeTraceFile(t *testing.T, path string, f TraceFormat, recs []TraceRecord, compress func(io.Writer) (io.WriteCloser, error)) {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw, err := compress(fh)
	if err != nil {
		t.Fatal(err)
	}
	w := NewTraceWriter(zw, f)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCompressToWritesWhatOpenTraceReads checks the writing half of the
// suffix convention: the file starts with its compressor's magic number
// and reads back.
func TestCompressToWritesWhatOpenTraceReads(t *testing.T) {
	t.Parallel()
	recs := sampleTrace()
	for ext, magic := range map[string][]byte{
		".oracleGeneral.zst": {0x28, 0xb5, 0x2f, 0xfd},
		".oracleGeneral.gz":  {0x1f, 0x8b},
		".oracleGeneral":     oracleBytes([4]int64{recs[0].Time, int64(recs[0].ID), recs[0].Size, recs[0].Next})[:4],
	} {
		path := filepath.Join(t.TempDir(), "t"+ext)
		writeTraceFile(t, path, TraceOracle, recs, func(w io.Writer) (io.WriteCloser, error) { return CompressTo(w, path) })
		if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, magic) {
			t.Errorf("%s starts % x, want % x", ext, b[:min(len(b), 4)], magic)
		}
		r, err := OpenTrace(path, TraceOracle)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(r)
		r.Close()
		if err != nil || !slices.Equal(got, recs) {
			t.Errorf("%s: read back %+v, %v", ext, got, err)
		}
	}
}

// readBatched reads r with ReadBatch in batches of the given sizes, cycled.
func readBatched(r *TraceReader, sizes ...int) ([]TraceRecord, error) {
	var recs []TraceRecord
	for i := 0; ; i++ {
		buf := make([]TraceRecord, sizes[i%len(sizes)])
		n := r.ReadBatch(buf)
		recs = append(recs, buf[:n]...)
		if n < len(buf) {
			return recs, r.Err()
		}
	}
}

func TestTraceReadBatchMatchesNext(t *testing.T) {
	t.Parallel()
	recs := benchTrace(30_000)
	for _, f := range []TraceFormat{TraceCSV, TraceOracle} {
		data := writeTrace(t, f, recs)
		// The same trace cut short in the middle of a record, and with a
		// bad record: both readers stop at the same place with the same
		// error.
		bad := slices.Clone(data)
		if f == TraceOracle {
			binary.LittleEndian.PutUint32(bad[24*20_000+12:], 0)
		} else {
			bad = append(bad[:len(bad)-1:len(bad)-1], []byte("x\n")...)
		}
		for _, in := range [][]byte{data, data[:len(data)-5], bad} {
			want, wantErr := readAll(NewTraceReader(bytes.NewReader(in), "t", f))
			for _, sizes := range [][]int{{1}, {4096}, {7, 1000, 33333}} {
				got, err := readBatched(NewTraceReader(bytes.NewReader(in), "t", f), sizes...)
				if !slices.Equal(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Errorf("%v, %d bytes, batches %v: %d records, %v; Next read %d, %v", f, len(in), sizes, len(got), err, len(want), wantErr)
				}
			}
		}
	}
}

func TestTraceCSVWriterOutput(t *testing.T) {
	t.Parallel()
	got := string(writeTrace(t, TraceCSV, []TraceRecord{{Time: 3, ID: 9, Size: 100, Next: 2}, {Time: 4, ID: 9, Size: 100}}))
	if want := "time,obj_id,size\n3,9,100\n4,9,100\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := string(writeTrace(t, TraceCSV, nil)); got != "time,obj_id,size\n" {
		t.Fatalf("empty trace: got %q, want just the header", got)
	}
}

func TestTraceOracleWriterLayout(t *testing.T) {
	t.Parallel()
	got := writeTrace(t, TraceOracle, []TraceRecord{{Time: 0x01020304, ID: 0x1112131415161718, Size: 0x21222324, Next: -1}})
	want := []byte{
		0x04, 0x03, 0x02, 0x01, // time
		0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11, // obj_id
		0x24, 0x23, 0x22, 0x21, // size
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // next = -1
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x\nwant % x", got, want)
	}
}

func TestTraceCSVAcceptsVariants(t *testing.T) {
	t.Parallel()
	want := []TraceRecord{{Time: 1, ID: 2, Size: 3, Next: -1}, {Time: 4, ID: 5, Size: 6, Next: -1}}
	for _, tc := range []struct{ name, in string }{
		{"plain", "time,obj_id,size\n1,2,3\n4,5,6\n"},
		{"extra columns ignored", "time,obj_id,size,metro,method,path\n1,2,3,fra,GET,/a\n4,5,6,iad,PUT,/b,c\n"},
		{"columns in any order", "size,extra,obj_id,time\n3,x,2,1\n6,\"y,z\",5,4\n"},
		{"quoted fields", "time,obj_id,size\n\"1\",2,3\n4,5,\"6\"\n"},
		{"bad quoting past the last named column is not looked at", "time,obj_id,size,note\n1,2,3\n4,5,6,\"x\n"},
		{"CRLF line endings", "time,obj_id,size\r\n1,2,3\r\n4,5,6\r\n"},
		{"no final newline", "time,obj_id,size\n1,2,3\n4,5,6"},
		{"blank lines skipped", "time,obj_id,size\n\n1,2,3\n  \n4,5,6\n\n"},
		{"spaces around fields and header case", "Time, Obj_ID ,SIZE\n 1 , 2 ,3\n4,5,+6\n"},
		{"spaces after a sign", "time,obj_id,size\n+ 1,2,3\n4,5,+\t6\n"},
		{"byte order mark", "\uFEFFtime,obj_id,size\n1,2,3\n4,5,6\n"},
		{"long line", "time,obj_id,size,path\n1,2,3," + strings.Repeat("x", 400_000) + "\n4,5,6,/a\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := readAll(NewTraceReader(strings.NewReader(tc.in), "x.csv", TraceCSV))
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, want)
			}
		})
	}
}

func TestTraceCSVErrors(t *testing.T) {
	t.Parallel()
	const hdr = "time,obj_id,size\n"
	for _, tc := range []struct{ name, in, want string }{
		{"empty file", "", `traces/x.csv: empty file: want a header line naming the columns time,obj_id,size and optionally metro,method,path,range_start,range_end`},
		{"missing header", "1,2,3\n", `traces/x.csv:1: header: no time column (want time,obj_id,size and optionally metro,method,path,range_start,range_end; got "1,2,3")`},
		{"a column named twice", "time,obj_id,size,Size\n", `traces/x.csv:1: header: column "Size" appears twice`},
		{"a header with a bad quote", "time,\"obj_id\n", `traces/x.csv:1: header: field 2: unterminated quoted field`},
		{"size not a number", hdr + "1,2,3\n2,3,abc\n", `traces/x.csv:3: record 2: size: not a number "abc"`},
		{"fractional time", hdr + "1.5,2,3\n", `traces/x.csv:2: record 1: time: not a number "1.5"`},
		{"exponent time", hdr + "1e3,2,3\n", `traces/x.csv:2: record 1: time: not a number "1e3"`},
		{"negative time", hdr + "-4,2,3\n", `traces/x.csv:2: record 1: time: negative (-4)`},
		{"hex obj_id", hdr + "1,0x1f,3\n", `traces/x.csv:2: record 1: obj_id: not a number "0x1f"`},
		{"negative obj_id", hdr + "1,-2,3\n", `traces/x.csv:2: record 1: obj_id: not a number "-2"`},
		{"obj_id too big", hdr + "1,18446744073709551616,3\n", `traces/x.csv:2: record 1: obj_id: out of range "18446744073709551616"`},
		{"empty size", hdr + "1,2,\n", `traces/x.csv:2: record 1: size: not a number ""`},
		{"size zero", hdr + "1,2,3\n1,2,4\n1,2,0\n", `traces/x.csv:4: record 3: size: 0 (sizes must be > 0)`},
		{"size negative", hdr + "1,2,-7\n", `traces/x.csv:2: record 1: size: -7 (sizes must be > 0)`},
		{"size too big", hdr + "1,2,9223372036854775808\n", `traces/x.csv:2: record 1: size: out of range "9223372036854775808"`},
		{"two fields", hdr + "1,2,3\n1,2\n", `traces/x.csv:3: record 2: want 3 fields as the header names, got 2`},
		{"one field", hdr + "17\n", `traces/x.csv:2: record 1: want 3 fields as the header names, got 1`},
		{"a column the header names is missing", "time,obj_id,size,path\n1,2,3\n", `traces/x.csv:2: record 1: want 4 fields as the header names, got 3`},
		{"a bad quote in a named column", "time,obj_id,size\n1,2,\"3\" \n", `traces/x.csv:2: record 1: field 3: text after the closing quote`},
		{"blank lines do not count as records", hdr + "\n1,2,3\n\n1,x,3\n", `traces/x.csv:5: record 2: obj_id: not a number "x"`},
		{"long bad field is cut short", hdr + "1,2," + strings.Repeat("9", 50) + "z\n", `traces/x.csv:2: record 1: size: not a number "` + strings.Repeat("9", 40) + `"...`},
		{"line over 1 MiB", hdr + strings.Repeat("1", 2<<20), `traces/x.csv:2: record 1: line longer than 1048576 bytes`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := NewTraceReader(strings.NewReader(tc.in), "traces/x.csv", TraceCSV)
			_, err := readAll(r)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant    %s", err, tc.want)
			}
			var rec TraceRecord
			if r.Next(&rec) {
				t.Fatal("Next returned a record after an error")
			}
		})
	}
}

func oracleBytes(recs ...[4]int64) []byte {
	var b []byte
	for _, r := range recs {
		b = binary.LittleEndian.AppendUint32(b, uint32(r[0]))
		b = binary.LittleEndian.AppendUint64(b, uint64(r[1]))
		b = binary.LittleEndian.AppendUint32(b, uint32(r[2]))
		b = binary.LittleEndian.AppendUint64(b, uint64(r[3]))
	}
	return b
}

func TestTraceOracleReads(t *testing.T) {
	t.Parallel()
	in := oracleBytes([4]int64{10, 1, 100, 3}, [4]int64{11, 2, 200, math.MaxInt64}, [4]int64{12, 1, 100, -1})
	got, err := readAll(NewTraceReader(bytes.NewReader(in), "x.bin", TraceOracle))
	want := []TraceRecord{{10, 1, 100, 3}, {11, 2, 200, -1}, {12, 1, 100, -1}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %+v, %v; want %+v (INT64_MAX next means none)", got, err, want)
	}
	// The bulk decoder reads next without a branch: every value that means
	// none, and the largest that does not.
	in = oracleBytes([4]int64{1, 1, 1, math.MaxInt64 - 1}, [4]int64{2, 1, 1, math.MinInt64}, [4]int64{3, 1, 1, -2}, [4]int64{4, 1, 1, 0}, [4]int64{5, 1, 1, math.MaxInt64})
	got, err = readBatched(NewTraceReader(bytes.NewReader(in), "x.bin", TraceOracle), 5)
	want = []TraceRecord{{1, 1, 1, math.MaxInt64 - 1}, {2, 1, 1, -1}, {3, 1, 1, -1}, {4, 1, 1, 0}, {5, 1, 1, -1}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ReadBatch: got %+v, %v; want %+v", got, err, want)
	}
}

func TestTraceOracleErrors(t *testing.T) {
	t.Parallel()
	good := oracleBytes([4]int64{1, 2, 3, -1}, [4]int64{2, 2, 3, -1})
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"short trailing record", append(slices.Clone(good), 1, 2, 3, 4, 5, 6, 7), `t/x.oracleGeneral: record 3: truncated: the file ends 7 bytes into a 24-byte record`},
		{"one byte", []byte{0}, `t/x.oracleGeneral: record 1: truncated: the file ends 1 bytes into a 24-byte record`},
		{"size zero", append(slices.Clone(good), oracleBytes([4]int64{3, 4, 0, -1})...), `t/x.oracleGeneral: record 3: size: 0 (sizes must be > 0)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := readAll(NewTraceReader(bytes.NewReader(tc.in), "t/x.oracleGeneral", TraceOracle))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant    %s", err, tc.want)
			}
			if n := (len(tc.in) / 24); len(got) != min(n, 2) {
				t.Fatalf("%d good records before the error, want %d", len(got), min(n, 2))
			}
		})
	}
}

func TestOpenTraceErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := OpenTrace(filepath.Join(dir, "missing.csv"), TraceCSV); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v, want ErrNotExist", err)
	}
	// A .zst file that is not zstd: the error names the file.
	path := filepath.Join(dir, "bad.csv.zst")
	if err := os.WriteFile(path, []byte("time,obj_id,size\n1,2,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := OpenTrace(path, TraceCSV)
	if err == nil {
		_, err = readAll(r)
		r.Close()
	}
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Fatalf("plain text named .zst: error %v, want one starting with the path", err)
	}
}

func TestTraceWriterRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		format TraceFormat
		rec    TraceRecord
		want   string
	}{
		{"size zero", TraceCSV, TraceRecord{Size: 0}, "trace writer: record 2: size: 0 (sizes must be > 0)"},
		{"negative time", TraceOracle, TraceRecord{Time: -1, Size: 1}, "trace writer: record 2: time: negative (-1)"},
		{"time beyond uint32", TraceOracle, TraceRecord{Time: 1 << 32, Size: 1}, "trace writer: record 2: time: 4294967296 does not fit the format's uint32"},
		{"size beyond uint32", TraceOracle, TraceRecord{Size: 1 << 32}, "trace writer: record 2: size: 4294967296 does not fit the format's uint32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := NewTraceWriter(&bytes.Buffer{}, tc.format)
			if err := w.Write(TraceRecord{Size: 1}); err != nil {
				t.Fatal(err)
			}
			if err := w.Write(tc.rec); err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %s", err, tc.want)
			}
		})
	}
}

func TestComputeNext(t *testing.T) {
	t.Parallel()
	// Index: 1 2 3 4 5 6 7
	// ID:    a b a c b a d
	// Next:  3 5 6 - - - -
	ids := []uint64{'a', 'b', 'a', 'c', 'b', 'a', 'd'}
	recs := make([]TraceRecord, len(ids))
	for i, id := range ids {
		recs[i] = TraceRecord{ID: id, Size: 1, Next: 99}
	}
	ComputeNext(recs)
	var got []int64
	for _, r := range recs {
		got = append(got, r.Next)
	}
	if want := []int64{3, 5, 6, -1, -1, -1, -1}; !slices.Equal(got, want) {
		t.Fatalf("Next = %v, want %v", got, want)
	}
	ComputeNext(nil) // must not panic
}

// TestComputeNextMatchesBruteForce checks the backward pass against a
// forward scan for each record on a random trace with many repeats.
func TestComputeNextMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := sim.NewRand(1, "computenext")
	recs := make([]TraceRecord, 2000)
	for i := range recs {
		recs[i] = TraceRecord{ID: r.Uint64N(50), Size: 1}
	}
	ComputeNext(recs)
	for i := range recs {
		want := int64(-1)
		for j := i + 1; j < len(recs); j++ {
			if recs[j].ID == recs[i].ID {
				want = int64(j) + 1
				break
			}
		}
		if recs[i].Next != want {
			t.Fatalf("record %d: Next %d, want %d", i+1, recs[i].Next, want)
		}
	}
}

func TestTraceReadDoesNotAllocate(t *testing.T) {
	// Not parallel: AllocsPerRun counts the whole process's allocations.
	recs := benchTrace(20_000)
	for _, f := range []TraceFormat{TraceCSV, TraceOracle} {
		data := writeTrace(t, f, recs)
		r := NewTraceReader(bytes.NewReader(data), "mem", f)
		var rec TraceRecord
		r.Next(&rec) // past the CSV header
		allocs := testing.AllocsPerRun(10_000, func() {
			if !r.Next(&rec) {
				t.Fatalf("%v: trace ended early: %v", f, r.Err())
			}
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations per record, want 0", f, allocs)
		}
	}
}

// benchTrace is a trace shaped like a CDN's: Zipf-ish IDs, sizes from
// hundreds of bytes to megabytes, second-resolution times.
func benchTrace(n int) []TraceRecord {
	r := sim.NewRand(1, "benchtrace")
	recs := make([]TraceRecord, n)
	for i := range recs {
		id := uint64(math.Exp(r.Float64() * 14)) // log-uniform over ~1.2M objects
		recs[i] = TraceRecord{
			Time: int64(i / 1000),
			ID:   sim.Mix64(id),
			Size: int64(math.Exp(6 + 8*r.Float64())),
		}
	}
	ComputeNext(recs)
	return recs
}

func BenchmarkTraceDecode(b *testing.B) {
	recs := benchTrace(1 << 20)
	for _, f := range []TraceFormat{TraceCSV, TraceOracle} {
		b.Run(f.String(), func(b *testing.B) {
			data := writeTrace(b, f, recs)
			b.SetBytes(int64(len(data)) / int64(len(recs)))
			b.ReportAllocs()
			var rec TraceRecord
			r := NewTraceReader(bytes.NewReader(data), "mem", f)
			n := 0
			for b.Loop() {
				if !r.Next(&rec) {
					if r.Err() != nil {
						b.Fatal(r.Err())
					}
					r = NewTraceReader(bytes.NewReader(data), "mem", f)
					r.Next(&rec)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
	// oracle-batch is the bulk path the replay engine takes.
	b.Run("oracle-batch", func(b *testing.B) {
		data := writeTrace(b, TraceOracle, recs)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		buf := make([]TraceRecord, 4096)
		cpu0 := processCPU()
		for b.Loop() {
			r := NewTraceReader(bytes.NewReader(data), "mem", TraceOracle)
			n := 0
			for k := len(buf); k == len(buf); n += k {
				k = r.ReadBatch(buf)
			}
			if n != len(recs) || r.Err() != nil {
				b.Fatal(n, r.Err())
			}
		}
		b.ReportMetric(float64(b.N)*float64(len(recs))/b.Elapsed().Seconds(), "records/s")
		if cpu := processCPU() - cpu0; cpu > 0 {
			b.ReportMetric(float64(b.N)*float64(len(recs))/cpu, "records/cpu-s")
		}
	})
}

// TestTraceReaderCloudFront reads the hand-written log record by record:
// paths interned in order of first appearance, sc-bytes as sent ("-" is
// 0), and the fields a TraceSource maps.
func TestTraceReaderCloudFront(t *testing.T) {
	t.Parallel()
	r := NewTraceReader(strings.NewReader(cfLog), "cf.log", TraceCloudFront)
	var got []string
	var rec TraceRecord
	for r.Next(&rec) {
		m, err := r.Method()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d/%d/%d/%d/%s/%s/%s/%q", rec.Time, rec.ID, rec.Size, rec.Next, m, r.Path(), r.Location(), r.Metro()))
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	want := []string{
		`1575493351/0/39270/-1/GET//index.html/IAD89-C1/""`,
		`1575493351/1/512000/-1/GET//video/a.mp4/gru1-c2/""`,
		`1575493353/0/0/-1/HEAD//index.html/NRT57-P2/""`,
		`1575493380/1/2048000/-1/GET//video/a.mp4/IAD12/""`,
		`1575504000/2/0/-1/POST//api/vote/GRU3/""`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The method is checked only when asked for, and then names the record.
	r = NewTraceReader(strings.NewReader("time,obj_id,size,method\n1,2,3,GET\n4,5,6,BREW\n"), "m.csv", TraceCSV)
	n := 0
	for r.Next(&rec) {
		n++
	}
	if _, err := r.Method(); n != 2 || r.Err() != nil || err == nil || err.Error() != `m.csv:3: record 2: method: unknown method "BREW" (want one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)` {
		t.Fatalf("%d records, %v; method error %v", n, r.Err(), err)
	}
}

// TestTraceRecordsOnlySkipsTheOptionalColumns: the same records, with the
// optional columns neither split nor checked (a bad method, an unclosed
// quote and a missing path pass) and reported as absent.
func TestTraceRecordsOnlySkipsTheOptionalColumns(t *testing.T) {
	t.Parallel()
	in := "time,obj_id,size,method,path\n1,2,3,GET,/a\n4,5,6,BREW,/b\n7,8,9,GET,\"/c\n"
	r := NewTraceReader(strings.NewReader(in), "x.csv", TraceCSV)
	r.RecordsOnly()
	var got []TraceRecord
	var rec TraceRecord
	for r.Next(&rec) {
		got = append(got, rec)
		if m, err := r.Method(); r.Path() != nil || m != GET || err != nil {
			t.Errorf("record %d: path %q, method %v, %v; want none", len(got), r.Path(), m, err)
		}
	}
	want := []TraceRecord{{1, 2, 3, -1}, {4, 5, 6, -1}, {7, 8, 9, -1}}
	if r.Err() != nil || !slices.Equal(got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, r.Err(), want)
	}
	// Without RecordsOnly the unclosed quote is an error.
	if _, err := readAll(NewTraceReader(strings.NewReader(in), "x.csv", TraceCSV)); err == nil || !strings.Contains(err.Error(), "x.csv:4: record 3: field 5: unterminated") {
		t.Fatalf("all columns: %v", err)
	}
}
