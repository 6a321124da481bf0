package workload

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/cdnsim/cdnsim/sim"
)

// InputFormat is the encoding of a trace that a TraceSource reads.
type InputFormat uint8

// Input formats.
const (
	// InputCSV is text with a header line naming the columns: time, obj_id
	// and size are required (time in integer seconds); metro (a metro's
	// name), method and path are optional; other columns are ignored.
	// Fields may be double-quoted as in RFC 4180 (no newlines inside).
	InputCSV InputFormat = iota
	// InputOracle is libCacheSim's oracleGeneral binary format (see
	// TraceOracle). It carries no metro, method or path.
	InputOracle
	// InputCloudFront is CloudFront's standard access log: tab-separated
	// W3C extended format whose "#Fields:" line names the columns.
	InputCloudFront
)

var inputFormatNames = [...]string{"csv", "oracle", "cloudfront"}

// String is the format's name in a scenario file (trace_format).
func (f InputFormat) String() string {
	if int(f) < len(inputFormatNames) {
		return inputFormatNames[f]
	}
	return "InputFormat(" + strconv.Itoa(int(f)) + ")"
}

// ParseInputFormat reads a format name: "csv", "oracle" or "cloudfront".
func ParseInputFormat(s string) (InputFormat, error) {
	for i, n := range inputFormatNames {
		if strings.EqualFold(s, n) {
			return InputFormat(i), nil
		}
	}
	return 0, fmt.Errorf("unknown trace format %q (want csv, oracle or cloudfront)", s)
}

// InputFormatFromName infers a trace's format from its file name, after
// dropping a .zst or .gz suffix: .csv is InputCSV; .oracleGeneral or .bin
// InputOracle; .log, .tsv or .txt InputCloudFront, as is any other .gz
// file (CloudFront delivers its logs as DIST.YYYY-MM-DD-HH.ID.gz).
func InputFormatFromName(path string) (InputFormat, error) {
	lower := strings.ToLower(path)
	name := strings.TrimSuffix(strings.TrimSuffix(lower, ".zst"), ".gz")
	switch {
	case strings.HasSuffix(name, ".csv"):
		return InputCSV, nil
	case strings.HasSuffix(name, ".oraclegeneral"), strings.HasSuffix(name, ".bin"):
		return InputOracle, nil
	case strings.HasSuffix(name, ".log"), strings.HasSuffix(name, ".tsv"), strings.HasSuffix(name, ".txt"),
		strings.HasSuffix(lower, ".gz"):
		return InputCloudFront, nil
	}
	return 0, fmt.Errorf("%s: cannot tell the trace format from the file name (know .csv, .oracleGeneral, .bin, .log, CloudFront's .gz; each optionally .zst or .gz)", path)
}

// TraceSourceConfig says how to read a trace and how to map what it
// records onto a scenario.
type TraceSourceConfig struct {
	Path   string
	Format InputFormat
	// Metros are the scenario's viewer metros: a metro column names one of
	// them, and requests with no location are spread over them by Weight.
	Metros []Metro
	// Prefixes are the content classes' URL path prefixes, indexed by class:
	// a request's class is the one whose prefix is the longest match of its
	// path. A request with no path, or whose path no prefix matches, is
	// class 0. Empty: every request is class 0.
	Prefixes []string
	// Locations maps a CloudFront edge location code's airport prefix,
	// upper case ("IAD" of "IAD89-C1"), to the metro its viewers stand for
	// (the scenario maps a POP's name to the metro nearest to it). A code not
	// in the map is spread by weight like a request with no location.
	Locations map[string]uint16
	// Duration ends the stream: requests at or after it (from the first
	// record) are not read. 0 means the trace's whole span.
	Duration sim.Time
	// Seed decides the spreading of location-less requests over metros.
	Seed uint64
}

// TraceSource is a Source that reads a recorded trace. Virtual time 0 is
// the first record's time; times are whole seconds, so requests within a
// second arrive together, in file order. Times must not decrease: the
// trace is read twice, once up front to check every record (an error then
// names the file and the record, before any simulation), to find its span
// and, for CloudFront logs, to intern paths; then again as the stream.
//
// Object IDs are the trace's own (CSV, oracleGeneral) or, for CloudFront
// logs, the cs-uri-stem interned densely from 0 in order of first
// appearance (the query string is not part of the key, as with CloudFront's
// default cache policy). A CloudFront object's size is the largest sc-bytes
// any of its records shows (responses to range requests, 304s and aborted
// transfers carry fewer bytes than the object), at least 1.
//
// Next allocates nothing per request.
type TraceSource struct {
	cfg  TraceSourceConfig
	open func() (io.Reader, func() error, error)

	// The stream being read.
	closeFn func() error
	tr      *TraceReader // oracle records; the line reader for text formats
	line    int64        // text formats: lines read (for error messages)
	recs    int64        // data records read in this pass
	fields  [][]byte
	scratch []byte
	hdr     bool // the CSV header or a CloudFront #Fields line has been seen
	col     columns
	pathBuf []byte // the last request's path (a copy: its line is gone)
	pathOK  bool

	// From the first pass.
	first, last int64 // seconds
	count       int64 // requests before end
	end         sim.Time
	scanned     bool
	prev        int64

	// CloudFront interning, filled by the first pass.
	paths    map[string]uint64
	pathList []string
	sizes    []int64

	metros   map[string]uint16
	prefixes [][]byte
	spread   alias
	rMetro   *rand.Rand
	done     bool
	err      error
}

// columns are field indices, −1 when absent.
type columns struct {
	n                                   int // fields a record needs
	time, id, size, metro, method, path int
	date, location                      int // CloudFront; size is sc-bytes, path cs-uri-stem
}

// traceRec is one decoded record.
type traceRec struct {
	sec    int64
	id     uint64
	size   int64
	metro  int32 // −1: no location given
	method Method
	path   []byte // nil if none; valid until the next read
}

// maxSpanSeconds bounds a trace's span so that nanoseconds of virtual time
// cannot overflow int64 (~292 years).
const maxSpanSeconds = math.MaxInt64 / int64(sim.Second)

// OpenTraceSource checks the whole trace at cfg.Path (decompressing .zst
// and .gz on the fly) and returns a source positioned at its first record.
// Close it when done (it closes itself at the end of the stream).
func OpenTraceSource(cfg TraceSourceConfig) (*TraceSource, error) {
	path := cfg.Path
	return newTraceSource(cfg, func() (io.Reader, func() error, error) { return openInput(path) })
}

// openInput opens path, decompressing by suffix.
func openInput(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".zst"):
		zd, err := zstd.NewReader(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: zstd: %w", path, err)
		}
		return zd, func() error { zd.Close(); return f.Close() }, nil
	case strings.HasSuffix(lower, ".gz"):
		gz, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: gzip: %w", path, err)
		}
		return gz, func() error { gz.Close(); return f.Close() }, nil
	}
	return f, f.Close, nil
}

func newTraceSource(cfg TraceSourceConfig, open func() (io.Reader, func() error, error)) (*TraceSource, error) {
	if cfg.Format > InputCloudFront {
		return nil, fmt.Errorf("%s: unknown trace format %v", cfg.Path, cfg.Format)
	}
	if len(cfg.Metros) == 0 || len(cfg.Metros) > math.MaxUint16+1 {
		return nil, fmt.Errorf("%s: a trace needs between 1 and %d metros to place its viewers, have %d", cfg.Path, math.MaxUint16+1, len(cfg.Metros))
	}
	if len(cfg.Prefixes) > math.MaxUint8+1 {
		return nil, fmt.Errorf("%s: at most %d classes", cfg.Path, math.MaxUint8+1)
	}
	s := &TraceSource{cfg: cfg, open: open, metros: map[string]uint16{},
		rMetro: sim.NewRand(cfg.Seed, "workload/trace-metro")}
	w := make([]float64, len(cfg.Metros))
	for i, m := range cfg.Metros {
		s.metros[m.Name] = uint16(i)
		w[i] = m.Weight
		if !(m.Weight > 0) || math.IsInf(m.Weight, 0) {
			return nil, fmt.Errorf("%s: metro %q: weight must be > 0", cfg.Path, m.Name)
		}
	}
	s.spread.build(w)
	for _, p := range cfg.Prefixes {
		s.prefixes = append(s.prefixes, []byte(p))
	}
	if cfg.Format == InputCloudFront {
		s.paths = map[string]uint64{}
	}
	if err := s.scan(); err != nil {
		return nil, err
	}
	if err := s.reopen(); err != nil {
		return nil, err
	}
	s.prev = s.first
	return s, nil
}

// scan is the first pass: it checks every record, finds the span and
// counts the requests, and interns CloudFront paths.
func (s *TraceSource) scan() error {
	if err := s.reopen(); err != nil {
		return err
	}
	defer s.Close()
	var rec traceRec
	for s.read(&rec) {
		if s.recs == 1 {
			s.first, s.prev = rec.sec, rec.sec
		}
		if rec.sec < s.prev {
			return s.fail("time: %d is before the previous record's %d; sort the trace by time", rec.sec, s.prev)
		}
		if rec.sec-s.first >= maxSpanSeconds {
			return s.fail("time: %d is too long after the first record's %d", rec.sec, s.first)
		}
		s.prev = rec.sec
		if s.cfg.Duration > 0 && sim.Time(rec.sec-s.first)*sim.Second >= s.cfg.Duration {
			break
		}
		s.last = rec.sec
		s.count++
		if s.paths != nil {
			id, ok := s.paths[string(rec.path)]
			if !ok {
				p := string(rec.path)
				id = uint64(len(s.pathList))
				s.paths[p] = id
				s.pathList = append(s.pathList, p)
				s.sizes = append(s.sizes, 1)
			}
			s.sizes[id] = max(s.sizes[id], rec.size)
		}
	}
	if s.err != nil && s.err != io.EOF {
		return s.err
	}
	if s.count == 0 {
		return fmt.Errorf("%s: the trace holds no requests", s.cfg.Path)
	}
	s.end = s.cfg.Duration
	if s.end == 0 {
		s.end = sim.Time(s.last-s.first+1) * sim.Second
	}
	s.scanned = true
	return nil
}

// reopen starts reading the trace from the beginning.
func (s *TraceSource) reopen() error {
	s.Close()
	r, closeFn, err := s.open()
	if err != nil {
		return err
	}
	s.closeFn = closeFn
	f := TraceCSV
	if s.cfg.Format == InputOracle {
		f = TraceOracle
	}
	s.tr = NewTraceReader(r, s.cfg.Path, f)
	s.line, s.recs, s.hdr, s.err, s.done = 0, 0, false, nil, false
	return nil
}

// Close releases the file. It is safe to call more than once.
func (s *TraceSource) Close() error {
	if s.closeFn == nil {
		return nil
	}
	err := s.closeFn()
	s.closeFn = nil
	return err
}

// Duration is the stream's length: the configured one, or the trace's span
// rounded up to whole seconds.
func (s *TraceSource) Duration() sim.Time { return s.end }

// Requests is the number of requests the stream holds.
func (s *TraceSource) Requests() int64 { return s.count }

// Err is the error that ended the stream early, or nil. The first pass
// checks the whole file, so this is only an I/O error or a file changed
// under the run.
func (s *TraceSource) Err() error {
	if s.err == io.EOF {
		return nil
	}
	return s.err
}

// Path is the URL path of the request Next returned last, if the trace
// records one (a CSV path column, CloudFront's cs-uri-stem); else nil. It
// is valid until the next call to Next.
func (s *TraceSource) Path() []byte {
	if !s.pathOK {
		return nil
	}
	return s.pathBuf
}

// Next implements Source.
func (s *TraceSource) Next(r *Request) bool {
	if s.done || s.err != nil || !s.scanned {
		return false
	}
	var rec traceRec
	if !s.read(&rec) {
		return s.stop()
	}
	if rec.sec < s.prev || rec.sec < s.first {
		s.fail("time: %d is before the previous record's %d (did the file change?)", rec.sec, s.prev)
		return s.stop()
	}
	s.prev = rec.sec
	t := sim.Time(rec.sec-s.first) * sim.Second
	if t >= s.end || s.recs > s.count {
		return s.stop()
	}
	size := rec.size
	id := rec.id
	if s.paths != nil {
		var ok bool
		if id, ok = s.paths[string(rec.path)]; !ok {
			s.fail("cs-uri-stem: %s was not in the trace a moment ago (did the file change?)", quote(rec.path))
			return s.stop()
		}
		size = s.sizes[id]
	}
	metro := rec.metro
	if metro < 0 {
		metro = int32(s.spread.sample(s.rMetro))
	}
	s.pathOK = rec.path != nil
	s.pathBuf = append(s.pathBuf[:0], rec.path...)
	*r = Request{Time: t, Object: id, Size: size, Metro: uint16(metro), Class: s.class(rec.path), Method: rec.method}
	return true
}

func (s *TraceSource) stop() bool {
	s.done = true
	s.Close()
	return false
}

// class is the index of the longest prefix matching path, or 0.
func (s *TraceSource) class(path []byte) uint8 {
	best, bestLen := 0, -1
	for i, p := range s.prefixes {
		if len(p) > bestLen && bytes.HasPrefix(path, p) {
			best, bestLen = i, len(p)
		}
	}
	return uint8(best)
}

// fail records an error about the record being read and returns it. Text
// formats name the line as well: file:line: record n: ...
func (s *TraceSource) fail(format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	if s.cfg.Format == InputOracle {
		s.err = fmt.Errorf("%s: record %d: %s", s.cfg.Path, s.recs, msg)
	} else {
		s.err = fmt.Errorf("%s:%d: record %d: %s", s.cfg.Path, s.line, s.recs, msg)
	}
	return s.err
}

// read decodes the next record into rec; false at the end (s.err io.EOF)
// or on an error (s.err set).
func (s *TraceSource) read(rec *traceRec) bool {
	if s.err != nil {
		return false
	}
	switch s.cfg.Format {
	case InputOracle:
		var tr TraceRecord
		if !s.tr.Next(&tr) {
			if s.err = s.tr.Err(); s.err == nil {
				s.err = io.EOF
			}
			return false
		}
		s.recs++
		*rec = traceRec{sec: tr.Time, id: tr.ID, size: tr.Size, metro: -1}
		return true
	case InputCSV:
		return s.readCSV(rec)
	default:
		return s.readCloudFront(rec)
	}
}

// nextLine returns the next line, or nil with s.err set.
func (s *TraceSource) nextLine() []byte {
	line, err := s.tr.readLine()
	if err == io.EOF {
		s.err = io.EOF
		return nil
	}
	s.line++
	if err != nil {
		s.fail("%v", err)
		return nil
	}
	return line
}

func (s *TraceSource) readCSV(rec *traceRec) bool {
	var line []byte
	for {
		if line = s.nextLine(); line == nil {
			if s.err == io.EOF && !s.hdr {
				s.err = fmt.Errorf("%s: empty file: want a header line naming the columns time,obj_id,size (and optionally metro,method,path)", s.cfg.Path)
			}
			return false
		}
		if !s.hdr {
			if !s.csvHeader(line) {
				return false
			}
			continue
		}
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
	}
	s.recs++
	var err error
	if s.fields, s.scratch, err = splitCSV(line, s.fields, s.scratch); err != nil {
		s.fail("%v", err)
		return false
	}
	c := &s.col
	if len(s.fields) < c.n {
		s.fail("want %d fields as the header names, got %d", c.n, len(s.fields))
		return false
	}
	f := s.fields
	tm, err := parseInt(f[c.time])
	if err != nil {
		s.fail("time: %v", err)
		return false
	}
	if tm < 0 {
		s.fail("time: negative (%d)", tm)
		return false
	}
	id, err := parseUint(f[c.id])
	if err != nil {
		s.fail("obj_id: %v", err)
		return false
	}
	size, err := parseInt(f[c.size])
	if err != nil {
		s.fail("size: %v", err)
		return false
	}
	if size <= 0 {
		s.fail("size: %d (sizes must be > 0)", size)
		return false
	}
	*rec = traceRec{sec: tm, id: id, size: size, metro: -1}
	if c.metro >= 0 && !s.metroField(rec, f[c.metro], "metro") {
		return false
	}
	if c.method >= 0 && !s.methodField(rec, f[c.method], "method") {
		return false
	}
	if c.path >= 0 {
		rec.path = f[c.path]
	}
	return true
}

func (s *TraceSource) metroField(rec *traceRec, b []byte, key string) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "-" {
		return true
	}
	m, ok := s.metros[string(b)]
	if !ok {
		s.fail("%s: no metro named %s in the scenario", key, quote(b))
		return false
	}
	rec.metro = int32(m)
	return true
}

func (s *TraceSource) methodField(rec *traceRec, b []byte, key string) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "-" {
		return true
	}
	for i, n := range methodNames {
		if strings.EqualFold(string(b), n) {
			rec.method = Method(i)
			return true
		}
	}
	s.fail("%s: unknown method %s (want one of %s)", key, quote(b), strings.Join(methodNames[:], ", "))
	return false
}

// csvHeader reads the column names.
func (s *TraceSource) csvHeader(line []byte) bool {
	s.hdr = true
	line = bytes.TrimPrefix(line, []byte("\uFEFF")) // spreadsheet exports start with a BOM
	var err error
	if s.fields, s.scratch, err = splitCSV(line, s.fields, s.scratch); err != nil {
		s.err = fmt.Errorf("%s:%d: header: %v", s.cfg.Path, s.line, err)
		return false
	}
	c := columns{time: -1, id: -1, size: -1, metro: -1, method: -1, path: -1}
	for i, f := range s.fields {
		var p *int
		switch strings.ToLower(string(bytes.TrimSpace(f))) {
		case "time":
			p = &c.time
		case "obj_id":
			p = &c.id
		case "size":
			p = &c.size
		case "metro":
			p = &c.metro
		case "method":
			p = &c.method
		case "path":
			p = &c.path
		default:
			continue // a column we do not use
		}
		if *p >= 0 {
			s.err = fmt.Errorf("%s:%d: header: column %s appears twice", s.cfg.Path, s.line, quote(f))
			return false
		}
		*p = i
		c.n = max(c.n, i+1)
	}
	for _, req := range []struct {
		name string
		i    int
	}{{"time", c.time}, {"obj_id", c.id}, {"size", c.size}} {
		if req.i < 0 {
			s.err = fmt.Errorf("%s:%d: header: no %s column (want time,obj_id,size and optionally metro,method,path; got %s)", s.cfg.Path, s.line, req.name, quote(line))
			return false
		}
	}
	s.col = c
	return true
}

// splitCSV splits line into fields, appending to dst[:0]. A field may be
// double-quoted, with "" for a quote; unquoted text lands in scratch, which
// is grown to len(line) first so that the returned slices stay valid.
func splitCSV(line []byte, dst [][]byte, scratch []byte) ([][]byte, []byte, error) {
	dst = dst[:0]
	if cap(scratch) < len(line) {
		scratch = make([]byte, 0, len(line))
	}
	scratch = scratch[:0]
	for {
		if len(line) == 0 || line[0] != '"' {
			j := bytes.IndexByte(line, ',')
			if j < 0 {
				return append(dst, line), scratch, nil
			}
			dst = append(dst, line[:j])
			line = line[j+1:]
			continue
		}
		start := len(scratch)
		i := 1
		for {
			j := bytes.IndexByte(line[i:], '"')
			if j < 0 {
				return dst, scratch, fmt.Errorf("field %d: unterminated quoted field", len(dst)+1)
			}
			scratch = append(scratch, line[i:i+j]...)
			i += j + 1
			if i < len(line) && line[i] == '"' {
				scratch = append(scratch, '"')
				i++
				continue
			}
			break
		}
		dst = append(dst, scratch[start:len(scratch):len(scratch)])
		line = line[i:]
		if len(line) == 0 {
			return dst, scratch, nil
		}
		if line[0] != ',' {
			return dst, scratch, fmt.Errorf("field %d: text after the closing quote", len(dst))
		}
		line = line[1:]
	}
}

// RequestCSVWriter writes requests as the CSV that TraceSource reads:
// time,obj_id,size,metro,method,path with time in whole seconds (truncated;
// the order of the stream is kept). The first three columns are what
// TraceReader and libCacheSim's CSV reader take.
type RequestCSVWriter struct {
	bw     *bufio.Writer
	metros []string
	line   []byte
	n      int64
	header bool
}

// NewRequestCSVWriter writes to w, naming metros by metros[Request.Metro].
func NewRequestCSVWriter(w io.Writer, metros []string) *RequestCSVWriter {
	return &RequestCSVWriter{bw: bufio.NewWriterSize(w, 64<<10), metros: metros, line: make([]byte, 0, 128)}
}

const requestCSVHeader = "time,obj_id,size,metro,method,path\n"

// Write appends r, whose URL path is path, to the trace. It returns an
// error, naming the record, for a size ≤ 0, a negative time, an unknown
// metro or a field with a line break (which CSV readers split on).
func (w *RequestCSVWriter) Write(r Request, path []byte) error {
	w.n++
	fail := func(format string, a ...any) error {
		return fmt.Errorf("csv writer: record %d: %s", w.n, fmt.Sprintf(format, a...))
	}
	if r.Size <= 0 {
		return fail("size: %d (sizes must be > 0)", r.Size)
	}
	if r.Time < 0 {
		return fail("time: negative (%d)", r.Time)
	}
	if int(r.Metro) >= len(w.metros) {
		return fail("metro: index %d, but there are %d metros", r.Metro, len(w.metros))
	}
	if !w.header {
		if _, err := w.bw.WriteString(requestCSVHeader); err != nil {
			return err
		}
		w.header = true
	}
	b := strconv.AppendInt(w.line[:0], int64(r.Time/sim.Second), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, r.Object, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, r.Size, 10)
	b = append(b, ',')
	var ok bool
	if b, ok = appendCSVField(b, w.metros[r.Metro]); !ok {
		return fail("metro: a line break in %q", w.metros[r.Metro])
	}
	b = append(b, ',')
	b = append(b, r.Method.String()...)
	b = append(b, ',')
	if b, ok = appendCSVField(b, path); !ok {
		return fail("path: a line break in %s", quote(path))
	}
	b = append(b, '\n')
	w.line = b
	_, err := w.bw.Write(b)
	return err
}

// appendCSVField appends f, quoted if it holds a comma or a quote; false if
// it holds a line break.
func appendCSVField[T string | []byte](b []byte, f T) ([]byte, bool) {
	quoted := false
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '\r', '\n':
			return b, false
		case ',', '"':
			quoted = true
		}
	}
	if !quoted {
		return append(b, f...), true
	}
	b = append(b, '"')
	for i := 0; i < len(f); i++ {
		if f[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, f[i])
	}
	return append(b, '"'), true
}

// Flush writes buffered data (and, for an empty trace, the header).
func (w *RequestCSVWriter) Flush() error {
	if !w.header {
		if _, err := w.bw.WriteString(requestCSVHeader); err != nil {
			return err
		}
		w.header = true
	}
	return w.bw.Flush()
}
