package workload

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// TraceRecord is one request of a cache trace.
type TraceRecord struct {
	Time int64  // seconds, as the trace gives it
	ID   uint64 // object ID
	Size int64  // bytes, > 0
	// Next is the 1-based index (within the trace) of the next request to
	// the same ID, or -1 if there is none or it is unknown (CSV traces; see
	// ComputeNext). This is libCacheSim's oracleGeneral next_access_vtime.
	Next int64
}

// TraceFormat is the encoding of a trace file.
type TraceFormat int

// Trace formats.
const (
	// TraceCSV is text with a header line whose first three columns are
	// time,obj_id,size (integers); further columns are ignored.
	TraceCSV TraceFormat = iota
	// TraceOracle is libCacheSim's oracleGeneral binary format: 24-byte
	// little-endian records {uint32 time; uint64 obj_id; uint32 size;
	// int64 next_access_vtime}.
	TraceOracle
)

// String is the name the CLI's --format flag takes.
func (f TraceFormat) String() string {
	switch f {
	case TraceCSV:
		return "csv"
	case TraceOracle:
		return "oracle"
	}
	return "TraceFormat(" + strconv.Itoa(int(f)) + ")"
}

// TraceFormatFromName infers a trace's format from its file name: .csv is
// TraceCSV, .oracleGeneral or .bin is TraceOracle, each optionally followed
// by .zst. Anything else is an error asking for an explicit --format.
func TraceFormatFromName(path string) (TraceFormat, error) {
	name := strings.TrimSuffix(strings.ToLower(path), ".zst")
	switch {
	case strings.HasSuffix(name, ".csv"):
		return TraceCSV, nil
	case strings.HasSuffix(name, ".oraclegeneral"), strings.HasSuffix(name, ".bin"):
		return TraceOracle, nil
	}
	return 0, fmt.Errorf("%s: cannot tell the trace format from the file name (know .csv, .oracleGeneral, .bin, each optionally .zst); pass --format csv|oracle", path)
}

const (
	oracleRecordSize = 24
	// maxCSVLine bounds the memory a malformed CSV (say, a binary file read
	// as text, which may have no newline for megabytes) can make us hold.
	maxCSVLine = 1 << 20
	// maxQuoted is how much of a bad field an error message repeats.
	maxQuoted = 40
)

// TraceReader streams the records of a trace file. It holds one buffered
// record at a time: reading a trace of any length allocates nothing per
// record.
type TraceReader struct {
	name   string
	format TraceFormat
	br     *bufio.Reader
	file   *os.File      // nil when reading a caller's io.Reader
	zd     *zstd.Decoder // nil unless the file is zstd-compressed
	n      int64         // records returned so far; the next is record n+1
	err    error
	header bool   // CSV: the header line has been checked
	long   []byte // CSV: scratch for lines longer than br's buffer
	buf    [oracleRecordSize]byte
}

// OpenTrace opens the trace at path in format f for reading. A path ending
// in .zst is decompressed on the fly. Close the reader when done.
func OpenTrace(path string, f TraceFormat) (*TraceReader, error) {
	if f != TraceCSV && f != TraceOracle {
		return nil, fmt.Errorf("%s: unknown trace format %v", path, f)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var src io.Reader = file
	var zd *zstd.Decoder
	if strings.HasSuffix(strings.ToLower(path), ".zst") {
		if zd, err = zstd.NewReader(file); err != nil {
			file.Close()
			return nil, fmt.Errorf("%s: zstd: %w", path, err)
		}
		src = zd
	}
	t := NewTraceReader(src, path, f)
	t.file, t.zd = file, zd
	return t, nil
}

// NewTraceReader reads a trace in format f from r, which is not
// decompressed. name is the file name errors report.
func NewTraceReader(r io.Reader, name string, f TraceFormat) *TraceReader {
	return &TraceReader{name: name, format: f, br: bufio.NewReaderSize(r, 64<<10)}
}

// Next fills rec with the next record and reports whether there was one.
// It returns false at the end of the trace or on the first error; Err tells
// which.
func (t *TraceReader) Next(rec *TraceRecord) bool {
	if t.err != nil {
		return false
	}
	switch t.format {
	case TraceCSV:
		return t.nextCSV(rec)
	case TraceOracle:
		return t.nextOracle(rec)
	}
	t.err = fmt.Errorf("%s: unknown trace format %v", t.name, t.format)
	return false
}

// Err is the error that stopped Next, or nil if the trace ended cleanly. It
// names the file, the record (1-based, counting data records only) and the
// field, e.g. `traces/x.csv: record 17: size: not a number "abc"`.
func (t *TraceReader) Err() error {
	if t.err == io.EOF {
		return nil
	}
	return t.err
}

// Close releases the file and the decompressor, if OpenTrace opened them.
func (t *TraceReader) Close() error {
	if t.zd != nil {
		t.zd.Close()
		t.zd = nil
	}
	if t.file != nil {
		err := t.file.Close()
		t.file = nil
		return err
	}
	return nil
}

// fail records an error about record t.n+1 and returns false.
func (t *TraceReader) fail(format string, a ...any) bool {
	t.err = fmt.Errorf("%s: record %d: %s", t.name, t.n+1, fmt.Sprintf(format, a...))
	return false
}

func (t *TraceReader) nextOracle(rec *TraceRecord) bool {
	n, err := io.ReadFull(t.br, t.buf[:])
	switch {
	case err == io.EOF:
		t.err = io.EOF
		return false
	case err == io.ErrUnexpectedEOF:
		return t.fail("truncated: the file ends %d bytes into a %d-byte record", n, oracleRecordSize)
	case err != nil:
		return t.fail("read: %v", err)
	}
	b := &t.buf
	rec.Time = int64(binary.LittleEndian.Uint32(b[0:]))
	rec.ID = binary.LittleEndian.Uint64(b[4:])
	rec.Size = int64(binary.LittleEndian.Uint32(b[12:]))
	rec.Next = int64(binary.LittleEndian.Uint64(b[16:]))
	if rec.Size == 0 {
		return t.fail("size: 0 (sizes must be > 0)")
	}
	// libCacheSim writes -1 for "not requested again"; some converters
	// write INT64_MAX, which its reader uses internally. Both mean none.
	if rec.Next < 0 || rec.Next == math.MaxInt64 {
		rec.Next = -1
	}
	t.n++
	return true
}

// readLine returns the next line without its line ending, or io.EOF. The
// slice is valid until the next call.
func (t *TraceReader) readLine() ([]byte, error) {
	line, err := t.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Rare: a line longer than the buffer. Gather it in scratch space.
		t.long = append(t.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(t.long) > maxCSVLine {
				return nil, fmt.Errorf("line longer than %d bytes", maxCSVLine)
			}
			line, err = t.br.ReadSlice('\n')
			t.long = append(t.long, line...)
		}
		line = t.long
	}
	if err == io.EOF && len(line) > 0 {
		err = nil // a last line without a newline
	}
	if err != nil {
		return nil, err
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return line, nil
}

func (t *TraceReader) nextCSV(rec *TraceRecord) bool {
	if !t.header {
		if !t.readHeader() {
			return false
		}
	}
	var line []byte
	for {
		var err error
		line, err = t.readLine()
		if err == io.EOF {
			t.err = io.EOF
			return false
		}
		if err != nil {
			return t.fail("%v", err)
		}
		// Blank lines (a trailing empty line, say) carry no record.
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
	}
	timeF, rest, ok1 := bytes.Cut(line, []byte{','})
	idF, rest, ok2 := bytes.Cut(rest, []byte{','})
	sizeF, _, _ := bytes.Cut(rest, []byte{','})
	if !ok1 || !ok2 {
		fields := 1
		if ok1 {
			fields = 2
		}
		return t.fail("want at least 3 fields (time,obj_id,size), got %d", fields)
	}
	tm, err := parseInt(timeF)
	if err != nil {
		return t.fail("time: %v", err)
	}
	if tm < 0 {
		return t.fail("time: negative (%d)", tm)
	}
	id, err := parseUint(idF)
	if err != nil {
		return t.fail("obj_id: %v", err)
	}
	size, err := parseInt(sizeF)
	if err != nil {
		return t.fail("size: %v", err)
	}
	if size <= 0 {
		return t.fail("size: %d (sizes must be > 0)", size)
	}
	rec.Time, rec.ID, rec.Size, rec.Next = tm, id, size, -1
	t.n++
	return true
}

// csvHeader is the required start of a CSV trace's first line.
var csvHeader = [3]string{"time", "obj_id", "size"}

func (t *TraceReader) readHeader() bool {
	t.header = true
	line, err := t.readLine()
	if err == io.EOF {
		t.err = fmt.Errorf("%s: empty file: want a header line starting time,obj_id,size", t.name)
		return false
	}
	if err != nil {
		t.err = fmt.Errorf("%s: header: %v", t.name, err)
		return false
	}
	line = bytes.TrimPrefix(line, []byte("\uFEFF")) // spreadsheet exports start with a BOM
	rest := line
	for _, want := range csvHeader {
		var f []byte
		f, rest, _ = bytes.Cut(rest, []byte{','})
		if !strings.EqualFold(string(bytes.TrimSpace(f)), want) {
			t.err = fmt.Errorf("%s: header: want a first line starting time,obj_id,size, got %s", t.name, quote(line))
			return false
		}
	}
	return true
}

var (
	errNotNumber = errors.New("not a number")
	errRange     = errors.New("out of range")
)

// numError describes a bad numeric field, quoting (a prefix of) it.
type numError struct {
	err   error
	field string
}

func (e *numError) Error() string { return e.err.Error() + " " + e.field }
func (e *numError) Unwrap() error { return e.err }

// parseUint parses an unsigned decimal integer, tolerating surrounding
// spaces. It is strconv.ParseUint without the string conversion, which
// would allocate for every record since the error path keeps the string.
func parseUint(b []byte) (uint64, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, &numError{errNotNumber, `""`}
	}
	var v uint64
	over := false // keep scanning: "99...9z" is not a number, not out of range
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, &numError{errNotNumber, quote(b)}
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			over = true
		}
		v = v*10 + d
	}
	if over {
		return 0, &numError{errRange, quote(b)}
	}
	return v, nil
}

// parseInt parses a signed decimal integer (an optional leading + or -).
func parseInt(b []byte) (int64, error) {
	b = bytes.TrimSpace(b)
	neg := false
	digits := b
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+') {
		neg = digits[0] == '-'
		digits = digits[1:]
	}
	u, err := parseUint(digits)
	if err != nil {
		// Report the whole field, sign included.
		var ne *numError
		if errors.As(err, &ne) {
			return 0, &numError{ne.err, quote(b)}
		}
		return 0, err
	}
	if neg {
		if u > 1<<63 {
			return 0, &numError{errRange, quote(b)}
		}
		return -int64(u), nil
	}
	if u > math.MaxInt64 {
		return 0, &numError{errRange, quote(b)}
	}
	return int64(u), nil
}

// quote is b as a Go string literal, cut short if long: a binary file read
// as CSV should not produce a megabyte error message.
func quote(b []byte) string {
	if len(b) > maxQuoted {
		return strconv.Quote(string(b[:maxQuoted])) + "..."
	}
	return strconv.Quote(string(b))
}

// TraceWriter writes records in a trace format. It buffers: call Flush when
// done. It does not compress; wrap w in a zstd.Encoder for a .zst file.
type TraceWriter struct {
	format TraceFormat
	bw     *bufio.Writer
	n      int64 // records written
	line   []byte
	buf    [oracleRecordSize]byte
	header bool // CSV: header written
}

// NewTraceWriter returns a writer of format f to w.
func NewTraceWriter(w io.Writer, f TraceFormat) *TraceWriter {
	return &TraceWriter{format: f, bw: bufio.NewWriterSize(w, 64<<10), line: make([]byte, 0, 64)}
}

// Write appends rec to the trace. It returns an error, naming the record,
// for a record the format cannot hold: a size <= 0, a negative time, or in
// TraceOracle a time or size that does not fit in 32 bits. Next is written
// only in TraceOracle (-1 for none).
func (w *TraceWriter) Write(rec TraceRecord) error {
	if rec.Size <= 0 {
		return w.fail("size: %d (sizes must be > 0)", rec.Size)
	}
	if rec.Time < 0 {
		return w.fail("time: negative (%d)", rec.Time)
	}
	switch w.format {
	case TraceCSV:
		if !w.header {
			if _, err := w.bw.WriteString("time,obj_id,size\n"); err != nil {
				return err
			}
			w.header = true
		}
		b := strconv.AppendInt(w.line[:0], rec.Time, 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, rec.ID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, rec.Size, 10)
		b = append(b, '\n')
		w.line = b
		if _, err := w.bw.Write(b); err != nil {
			return err
		}
	case TraceOracle:
		if rec.Time > math.MaxUint32 {
			return w.fail("time: %d does not fit the format's uint32", rec.Time)
		}
		if rec.Size > math.MaxUint32 {
			return w.fail("size: %d does not fit the format's uint32", rec.Size)
		}
		next := rec.Next
		if next < 0 {
			next = -1
		}
		b := &w.buf
		binary.LittleEndian.PutUint32(b[0:], uint32(rec.Time))
		binary.LittleEndian.PutUint64(b[4:], rec.ID)
		binary.LittleEndian.PutUint32(b[12:], uint32(rec.Size))
		binary.LittleEndian.PutUint64(b[16:], uint64(next))
		if _, err := w.bw.Write(b[:]); err != nil {
			return err
		}
	default:
		return fmt.Errorf("trace writer: unknown trace format %v", w.format)
	}
	w.n++
	return nil
}

func (w *TraceWriter) fail(format string, a ...any) error {
	return fmt.Errorf("trace writer: record %d: %s", w.n+1, fmt.Sprintf(format, a...))
}

// Flush writes any buffered data (and, for an empty CSV trace, the header)
// to the underlying writer.
func (w *TraceWriter) Flush() error {
	if w.format == TraceCSV && !w.header {
		if _, err := w.bw.WriteString("time,obj_id,size\n"); err != nil {
			return err
		}
		w.header = true
	}
	return w.bw.Flush()
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
