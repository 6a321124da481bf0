package workload

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// TraceFormat is the encoding of a trace file. Every reader of traces (the
// replay engine, a scenario's trace, cdnsim gen converting one) goes
// through OpenTrace and TraceReader, so all of them accept the same files.
type TraceFormat uint8

// Trace formats.
const (
	// TraceCSV is text with a header line naming the columns: time, obj_id
	// and size are required (integers; time in seconds); metro (a metro's
	// name), method, path and range_start with range_end (a range
	// request's first and last byte, see TraceReader.Range) are optional;
	// other columns are ignored, in any order. Fields may be double-quoted
	// as in RFC 4180 (no line breaks inside).
	TraceCSV TraceFormat = iota
	// TraceOracle is libCacheSim's oracleGeneral binary format: 24-byte
	// little-endian records {uint32 time; uint64 obj_id; uint32 size;
	// int64 next_access_vtime}.
	TraceOracle
	// TraceCloudFront is CloudFront's standard access log: tab-separated
	// W3C extended format whose "#Fields:" line names the columns (see
	// cloudfront.go).
	TraceCloudFront
)

var traceFormatNames = [...]string{"csv", "oracle", "cloudfront"}

// String is the format's name, as --format and trace_format take it.
func (f TraceFormat) String() string {
	if int(f) < len(traceFormatNames) {
		return traceFormatNames[f]
	}
	return "TraceFormat(" + strconv.Itoa(int(f)) + ")"
}

// ParseTraceFormat reads a format name: "csv", "oracle" or "cloudfront".
func ParseTraceFormat(s string) (TraceFormat, error) {
	for i, n := range traceFormatNames {
		if strings.EqualFold(s, n) {
			return TraceFormat(i), nil
		}
	}
	return 0, fmt.Errorf("unknown trace format %q (want csv, oracle or cloudfront)", s)
}

// TraceFormatFromName infers a trace's format from its file name, after
// dropping a .zst or .gz suffix: .csv is TraceCSV; .oracleGeneral or .bin
// TraceOracle; .log, .tsv or .txt TraceCloudFront, as is any other .gz
// file (CloudFront delivers its logs as DIST.YYYY-MM-DD-HH.ID.gz).
func TraceFormatFromName(path string) (TraceFormat, error) {
	lower := strings.ToLower(path)
	name := strings.TrimSuffix(strings.TrimSuffix(lower, ".zst"), ".gz")
	switch {
	case strings.HasSuffix(name, ".csv"):
		return TraceCSV, nil
	case strings.HasSuffix(name, ".oraclegeneral"), strings.HasSuffix(name, ".bin"):
		return TraceOracle, nil
	case strings.HasSuffix(name, ".log"), strings.HasSuffix(name, ".tsv"), strings.HasSuffix(name, ".txt"),
		strings.HasSuffix(lower, ".gz"):
		return TraceCloudFront, nil
	}
	return 0, fmt.Errorf("%s: cannot tell the trace format from the file name (know .csv, .oracleGeneral, .bin, .log, CloudFront's .gz; each optionally .zst or .gz)", path)
}

// TraceRecord is one request of a trace. It is small and pointer-free so
// that a decoded trace of a billion records is one flat slice; what only
// text formats carry (path, metro, method) the reader hands out for the
// record it returned last.
type TraceRecord struct {
	Time int64  // seconds, as the trace gives it
	ID   uint64 // object ID; in CloudFront logs the cs-uri-stem, interned densely from 0
	// Size is the object's size in bytes, > 0. In CloudFront logs it is the
	// bytes sent (sc-bytes, ≥ 0; "-" is 0), which a range request, a 304 or
	// an aborted transfer makes smaller than the object: take an object's
	// size as the largest of its records', at least 1, as TraceSource does.
	Size int64
	// Next is the 1-based index (within the trace) of the next request to
	// the same ID, or -1 if there is none or it is unknown (text formats;
	// see ComputeNext). This is libCacheSim's oracleGeneral
	// next_access_vtime.
	Next int64
}

const (
	oracleRecordSize = 24
	// traceBufSize is the read buffer: large enough that a bulk oracle
	// read decodes ~2,700 records per refill.
	traceBufSize = 64 << 10
	// maxCSVLine bounds the memory a malformed text trace (say, a binary
	// file read as text, which may have no newline for megabytes) can make
	// us hold.
	maxCSVLine = 1 << 20
	// maxQuoted is how much of a bad field an error message repeats.
	maxQuoted = 40
)

// TraceReader decodes the records of a trace in any TraceFormat. It holds
// one line (text) or one buffer of records (oracleGeneral) at a time:
// reading a trace of any length allocates nothing per record, except one
// string per distinct path of a CloudFront log.
type TraceReader struct {
	name   string
	format TraceFormat
	br     *bufio.Reader
	closer func() error // nil when reading a caller's io.Reader
	// n is the number of the current record, 1-based, counting data
	// records only: the one Next returned last, or the one that failed.
	n    int64
	line int64 // text formats: lines read, header and comments included
	err  error

	// Text formats: the header's column mapping, the current line's fields
	// (valid until the next read) and scratch space for them.
	hdr     bool
	col     columns
	fields  [][]byte
	scratch []byte
	long    []byte // a line longer than br's buffer
	// ids interns CloudFront paths to dense object IDs.
	ids         map[string]uint64
	recordsOnly bool // see RecordsOnly
}

// OpenTrace opens the trace at path in format f for reading, decompressing
// it on the fly if its name ends in .zst or .gz. Close the reader when
// done.
func OpenTrace(path string, f TraceFormat) (*TraceReader, error) {
	if f > TraceCloudFront {
		return nil, fmt.Errorf("%s: unknown trace format %v", path, f)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	src, closeFn, err := decompress(path, file)
	if err != nil {
		file.Close()
		return nil, err
	}
	r := NewTraceReader(src, path, f)
	r.closer = closeFn
	return r, nil
}

// decompress wraps file as path's suffix says; closing the result closes
// the file.
func decompress(path string, file *os.File) (io.Reader, func() error, error) {
	switch lower := strings.ToLower(path); {
	case strings.HasSuffix(lower, ".zst"):
		zd, err := zstd.NewReader(file)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: zstd: %w", path, err)
		}
		return zd, func() error { zd.Close(); return file.Close() }, nil
	case strings.HasSuffix(lower, ".gz"):
		gz, err := gzip.NewReader(file)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: gzip: %w", path, err)
		}
		return gz, func() error { gz.Close(); return file.Close() }, nil
	}
	return file, file.Close, nil
}

// CompressTo returns a writer that compresses into w as path's suffix says
// (.zst or .gz, as OpenTrace reads them), or w itself for any other name.
// Close the result to flush the compressor; that does not close w.
func CompressTo(w io.Writer, path string) (io.WriteCloser, error) {
	switch lower := strings.ToLower(path); {
	case strings.HasSuffix(lower, ".zst"):
		return zstd.NewWriter(w)
	case strings.HasSuffix(lower, ".gz"):
		return gzip.NewWriter(w), nil
	}
	return nopCloser{w}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// NewTraceReader reads a trace in format f from r, which is not
// decompressed. name is the file name errors report.
func NewTraceReader(r io.Reader, name string, f TraceFormat) *TraceReader {
	t := &TraceReader{name: name, format: f, br: bufio.NewReaderSize(r, traceBufSize)}
	if f == TraceCloudFront {
		t.ids = map[string]uint64{}
	}
	t.sniff()
	return t
}

// RecordsOnly makes the reader look at no more of a text record than a
// TraceRecord holds: a CSV's metro, method and path columns (a CloudFront
// log's x-edge-location, cs-method and metro) are neither split nor
// checked, and the accessors of what was skipped report none. Replaying a
// trace needs no more, and splitting three columns less is ~7% of decoding
// a CSV that has them. Call it before the first Next.
func (t *TraceReader) RecordsOnly() { t.recordsOnly = true }

// Next fills rec with the next record and reports whether there was one.
// It returns false at the end of the trace or on the first error; Err tells
// which.
func (t *TraceReader) Next(rec *TraceRecord) bool {
	if t.err != nil {
		return false
	}
	switch t.format {
	case TraceOracle:
		return t.nextOracle(rec)
	case TraceCSV:
		return t.nextCSV(rec)
	case TraceCloudFront:
		return t.nextCloudFront(rec)
	}
	t.err = fmt.Errorf("%s: unknown trace format %v", t.name, t.format)
	return false
}

func (t *TraceReader) nextOracle(rec *TraceRecord) bool {
	b, err := t.br.Peek(oracleRecordSize)
	if err != nil {
		var ok bool
		if b, ok = t.peekOracle(1); !ok { // the end, or why not
			return false
		}
	}
	t.n++
	if *rec = decodeOracle(b); rec.Size == 0 {
		return t.failZeroSize()
	}
	t.br.Discard(oracleRecordSize)
	return true
}

// ReadBatch fills recs from the front with the next records and returns
// how many it read: len(recs) unless the trace ended or failed (see Err).
// For oracleGeneral traces it decodes straight from the read buffer, with
// no call per record.
func (t *TraceReader) ReadBatch(recs []TraceRecord) int {
	if t.format != TraceOracle {
		for i := range recs {
			if !t.Next(&recs[i]) {
				return i
			}
		}
		return len(recs)
	}
	done := 0
	for done < len(recs) && t.err == nil {
		b, ok := t.peekOracle(len(recs) - done)
		if !ok {
			break
		}
		out := recs[done : done+len(b)/oracleRecordSize]
		if bad := decodeOracles(out, b); bad >= 0 {
			t.n += int64(bad) + 1
			t.br.Discard(bad * oracleRecordSize)
			t.failZeroSize()
			return done + bad
		}
		t.n += int64(len(out))
		t.br.Discard(len(b))
		done += len(out)
	}
	return done
}

// peekOracle returns up to max whole records from the read buffer, at
// least one, filling the buffer if it holds less than a record; false at
// the end of the trace or on an error (t.err set).
func (t *TraceReader) peekOracle(max int) ([]byte, bool) {
	b, err := t.br.Peek(oracleRecordSize)
	switch {
	case err == nil:
	case err == io.EOF && len(b) == 0:
		t.err = io.EOF
		return nil, false
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		t.n++
		t.fail("truncated: the file ends %d bytes into a %d-byte record", len(b), oracleRecordSize)
		return nil, false
	default:
		t.err = fmt.Errorf("%s: read: %w", t.name, err)
		return nil, false
	}
	k := min(t.br.Buffered()/oracleRecordSize, max)
	b, _ = t.br.Peek(k * oracleRecordSize)
	return b, true
}

// decodeOracles decodes len(out) records from the front of b, which holds
// at least that many, and returns the index of the first with size 0
// (invalid), or -1. It is decodeOracle over a slice with the bounds
// checked once and no branch per record (at ~200 M records/s a
// mispredicted branch per record would cost a third), so a bad size is
// looked for only once a batch has one.
func decodeOracles(out []TraceRecord, b []byte) int {
	b = b[:len(out)*oracleRecordSize]
	var sizes uint32 = 1
	for i := range out {
		r := b[i*oracleRecordSize : i*oracleRecordSize+oracleRecordSize : i*oracleRecordSize+oracleRecordSize]
		next := int64(binary.LittleEndian.Uint64(r[16:]))
		// As decodeOracle: negative and INT64_MAX both mean none. As
		// unsigned, both are ≥ MaxInt64, and the compiler makes the
		// assignment a conditional move.
		if uint64(next) >= math.MaxInt64 {
			next = -1
		}
		size := binary.LittleEndian.Uint32(r[12:])
		sizes = min(sizes, size)
		out[i] = TraceRecord{
			Time: int64(binary.LittleEndian.Uint32(r[0:])),
			ID:   binary.LittleEndian.Uint64(r[4:]),
			Size: int64(size),
			Next: next,
		}
	}
	if sizes != 0 {
		return -1
	}
	for i := range out {
		if out[i].Size == 0 {
			return i
		}
	}
	return -1
}

// decodeOracle decodes the record at the start of b. A size of 0 makes
// it invalid, which the caller checks.
func decodeOracle(b []byte) TraceRecord {
	b = b[:oracleRecordSize]
	next := int64(binary.LittleEndian.Uint64(b[16:]))
	// libCacheSim writes -1 for "not requested again"; some converters
	// write INT64_MAX, which its reader uses internally. Both mean none.
	if next < 0 || next == math.MaxInt64 {
		next = -1
	}
	return TraceRecord{
		Time: int64(binary.LittleEndian.Uint32(b[0:])),
		ID:   binary.LittleEndian.Uint64(b[4:]),
		Size: int64(binary.LittleEndian.Uint32(b[12:])),
		Next: next,
	}
}

func (t *TraceReader) failZeroSize() bool {
	return t.fail("size: 0 (sizes must be > 0)")
}

// Err is the error that stopped Next, or nil if the trace ended cleanly. It
// names the file, for text formats the line, the record (1-based,
// counting data records only) and the field, e.g.
// `traces/x.csv:18: record 17: size: not a number "abc"`.
func (t *TraceReader) Err() error {
	if t.err == io.EOF {
		return nil
	}
	return t.err
}

// Errorf returns an error about the record Next returned last, worded as
// the reader's own: the file, the line (text formats), the record, then the
// message. Callers use it for what they reject in a record the reader
// accepted (a time out of order, an unknown metro).
func (t *TraceReader) Errorf(format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	if t.format == TraceOracle {
		return fmt.Errorf("%s: record %d: %s", t.name, t.n, msg)
	}
	return fmt.Errorf("%s:%d: record %d: %s", t.name, t.line, t.n, msg)
}

// fail records an error about the current record and returns false.
func (t *TraceReader) fail(format string, a ...any) bool {
	t.err = t.Errorf(format, a...)
	return false
}

// Close releases the file and the decompressor, if OpenTrace opened them.
func (t *TraceReader) Close() error {
	if t.closer == nil {
		return nil
	}
	err := t.closer()
	t.closer = nil
	return err
}

// ComputeNext fills each record's Next with the 1-based index of the next
// record with the same ID, or -1 if there is none: the future knowledge
// Belady's policy reads, computed in one backward pass.
func ComputeNext(recs []TraceRecord) {
	// last maps an ID to the 1-based index of its earliest occurrence seen
	// so far in the backward pass, i.e. its next request from here.
	last := make(map[uint64]int64)
	for i := len(recs) - 1; i >= 0; i-- {
		id := recs[i].ID
		if j, ok := last[id]; ok {
			recs[i].Next = j
		} else {
			recs[i].Next = -1
		}
		last[id] = int64(i) + 1
	}
}
