package workload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Text traces (CSV, CloudFront logs) name their columns in a header line;
// one mapper turns the names into field indices for both.

// column is a field a text trace's record may carry.
type column uint8

const (
	colTime column = iota
	colID
	colSize
	colMetro
	colMethod
	colPath
	colDate     // CloudFront: the day; colTime is then the time of day
	colLocation // CloudFront: x-edge-location
	// colRangeStart and colRangeEnd are a range request's first and last
	// byte (inclusive, as HTTP's Range: bytes=first-last and CloudFront's
	// sc-range-start and sc-range-end); a header names both or neither.
	colRangeStart
	colRangeEnd
	numColumns
)

// headerSpec is a text format's vocabulary of column names.
type headerSpec struct {
	what  string // how errors name the header line
	split string // how errors describe the record's fields
	names []columnName
}

type columnName struct {
	name     string // lower case
	col      column
	required bool
}

var csvSpec = headerSpec{what: "header", split: "fields as the header names", names: []columnName{
	{"time", colTime, true}, {"obj_id", colID, true}, {"size", colSize, true},
	{"metro", colMetro, false}, {"method", colMethod, false}, {"path", colPath, false},
	{"range_start", colRangeStart, false}, {"range_end", colRangeEnd, false},
}}

var cloudFrontSpec = headerSpec{what: "#Fields", split: "tab-separated fields as #Fields names", names: []columnName{
	{"date", colDate, true}, {"time", colTime, true}, {"sc-bytes", colSize, true}, {"cs-uri-stem", colPath, true},
	{"x-edge-location", colLocation, false}, {"cs-method", colMethod, false}, {"metro", colMetro, false},
	{"sc-range-start", colRangeStart, false}, {"sc-range-end", colRangeEnd, false},
}}

// columns maps each column to its field index, −1 when the header does
// not name it.
type columns struct {
	at [numColumns]int
	n  int // fields a record needs: one past the last named column
}

// field is the current record's field for c, nil if the header does not
// name it.
func (t *TraceReader) field(c column) []byte {
	// Before a header or after a short record there may be no such field.
	if i := t.col.at[c]; t.hdr && i >= 0 && i < len(t.fields) {
		return t.fields[i]
	}
	return nil
}

// mapColumns reads a header's names (case-insensitive, spaces trimmed;
// names the spec does not know are skipped, and with recordsOnly those of
// the optional columns too). line is the header as
// written, for the error message.
func (s *headerSpec) mapColumns(names [][]byte, line []byte, recordsOnly bool) (columns, error) {
	var c columns
	for i := range c.at {
		c.at[i] = -1
	}
	for i, f := range names {
		name := bytes.TrimSpace(f)
		for _, cn := range s.names {
			if recordsOnly && !cn.required || !strings.EqualFold(string(name), cn.name) {
				continue
			}
			if c.at[cn.col] >= 0 {
				return c, fmt.Errorf("%s: column %s appears twice", s.what, quote(name))
			}
			c.at[cn.col] = i
			c.n = max(c.n, i+1)
		}
	}
	for _, cn := range s.names {
		if cn.required && c.at[cn.col] < 0 {
			return c, fmt.Errorf("%s: no %s column (want %s; got %s)", s.what, cn.name, s.wanted(), quote(line))
		}
	}
	if (c.at[colRangeStart] < 0) != (c.at[colRangeEnd] < 0) {
		named, other := s.nameOf(colRangeStart), s.nameOf(colRangeEnd)
		if c.at[colRangeStart] < 0 {
			named, other = other, named
		}
		return c, fmt.Errorf("%s: a %s column but no %s: a range needs its first and last byte", s.what, named, other)
	}
	return c, nil
}

// nameOf is the spec's name of column c.
func (s *headerSpec) nameOf(c column) string {
	for _, cn := range s.names {
		if cn.col == c {
			return cn.name
		}
	}
	return "?"
}

// wanted lists the spec's columns: "time,obj_id,size and optionally ...".
func (s *headerSpec) wanted() string {
	var req, opt []string
	for _, cn := range s.names {
		if cn.required {
			req = append(req, cn.name)
		} else {
			opt = append(opt, cn.name)
		}
	}
	return strings.Join(req, ",") + " and optionally " + strings.Join(opt, ",")
}

var errLongLine = fmt.Errorf("line longer than %d bytes", maxCSVLine)

// nextLine returns the next line without its line ending, counting it, or
// nil with t.err set (to io.EOF at the end). The slice is valid until the
// next call.
func (t *TraceReader) nextLine() []byte {
	line, err := t.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		line, err = t.longLine(line)
	}
	if err == io.EOF && len(line) > 0 {
		err = nil // a last line without a newline
	}
	if err != nil {
		t.lineErr(err)
		return nil
	}
	t.line++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'})
}

// longLine gathers a line longer than the read buffer, which starts with
// part, in scratch space.
func (t *TraceReader) longLine(part []byte) ([]byte, error) {
	t.long = append(t.long[:0], part...)
	err := bufio.ErrBufferFull
	for err == bufio.ErrBufferFull {
		if len(t.long) > maxCSVLine {
			return nil, errLongLine
		}
		part, err = t.br.ReadSlice('\n')
		t.long = append(t.long, part...)
	}
	return t.long, err
}

// lineErr sets t.err for what stopped readLine. A line too long names the
// record it would have been.
func (t *TraceReader) lineErr(err error) {
	switch err {
	case io.EOF:
		t.err = io.EOF
	case errLongLine:
		t.line++
		t.n++
		t.fail("%v", err)
	default:
		t.err = fmt.Errorf("%s: read: %w", t.name, err)
	}
}

func (t *TraceReader) nextCSV(rec *TraceRecord) bool {
	var line []byte
	for {
		if line = t.nextLine(); line == nil {
			if t.err == io.EOF && !t.hdr {
				t.err = fmt.Errorf("%s: empty file: want a header line naming the columns %s", t.name, csvSpec.wanted())
			}
			return false
		}
		if !t.hdr {
			line = bytes.TrimPrefix(line, []byte("\uFEFF")) // spreadsheet exports start with a BOM
			var err error
			if err = t.splitCSV(line, -1); err != nil {
				t.err = fmt.Errorf("%s:%d: header: %v", t.name, t.line, err)
				return false
			}
			if !t.header(&csvSpec, t.fields, line) {
				return false
			}
			continue
		}
		// Blank lines (a trailing empty line, say) carry no record.
		if !blank(line) {
			break
		}
	}
	t.n++
	if err := t.splitCSV(line, t.col.n); err != nil {
		return t.fail("%v", err)
	}
	if len(t.fields) < t.col.n {
		return t.failFieldCount(&csvSpec)
	}
	// split checked that the required columns are there.
	f, at := t.fields, &t.col.at
	tm, err := parseInt(f[at[colTime]])
	if err != nil {
		return t.fail("time: %v", err)
	}
	if tm < 0 {
		return t.fail("time: negative (%d)", tm)
	}
	id, err := parseUint(f[at[colID]])
	if err != nil {
		return t.fail("obj_id: %v", err)
	}
	size, err := parseInt(f[at[colSize]])
	if err != nil {
		return t.fail("size: %v", err)
	}
	if size <= 0 {
		return t.fail("size: %d (sizes must be > 0)", size)
	}
	*rec = TraceRecord{Time: tm, ID: id, Size: size, Next: -1}
	return true
}

// header maps the columns that names (a header's fields) name; false with
// t.err set if it lacks one the spec requires.
func (t *TraceReader) header(spec *headerSpec, names [][]byte, line []byte) bool {
	col, err := spec.mapColumns(names, line, t.recordsOnly)
	if err != nil {
		t.err = fmt.Errorf("%s:%d: %v", t.name, t.line, err)
		return false
	}
	t.col, t.hdr = col, true
	return true
}

// failFieldCount fails a record with fewer fields than the header names.
func (t *TraceReader) failFieldCount(spec *headerSpec) bool {
	return t.fail("want %d %s, got %d", t.col.n, spec.split, len(t.fields))
}

// Path is the URL path of the record Next returned last (a CSV path
// column, CloudFront's cs-uri-stem), or nil if the trace has no such
// column (an empty field is an empty path). It is valid until the next
// call to Next.
func (t *TraceReader) Path() []byte {
	if t.format == TraceOracle {
		return nil
	}
	return t.field(colPath)
}

// Metro is the metro name the record Next returned last gives (a metro
// column), or nil if it gives none ("" and "-" are none).
func (t *TraceReader) Metro() []byte {
	if t.format == TraceOracle {
		return nil
	}
	return present(t.field(colMetro))
}

// Location is the CloudFront edge location code ("IAD89-C1") of the record
// Next returned last, or nil.
func (t *TraceReader) Location() []byte {
	if t.format != TraceCloudFront {
		return nil
	}
	return t.field(colLocation)
}

// HasRanges reports whether the header in force names range columns (a
// CSV's range_start and range_end, a CloudFront log's sc-range-start and
// sc-range-end), so that Range can give a record's range.
func (t *TraceReader) HasRanges() bool {
	return t.format != TraceOracle && t.hdr && t.col.at[colRangeStart] >= 0
}

// Range is the byte range the record Next returned last asks for,
// [start, end) (its columns give the first and the last byte, as HTTP's
// Range header and CloudFront's log do), or 0, 0 for the whole object:
// when the trace has no range columns, or both fields are empty or "-".
// As with Method, only callers that use the range pay for checking it: a
// field that is not a byte offset, one given without the other, or a
// first byte after the last is an error naming the record.
func (t *TraceReader) Range() (start, end int64, err error) {
	if !t.HasRanges() {
		return 0, 0, nil
	}
	a, b := present(t.field(colRangeStart)), present(t.field(colRangeEnd))
	if a == nil && b == nil {
		return 0, 0, nil
	}
	spec := &csvSpec
	if t.format == TraceCloudFront {
		spec = &cloudFrontSpec
	}
	ka, kb := spec.nameOf(colRangeStart), spec.nameOf(colRangeEnd)
	if a == nil || b == nil {
		given, missing := ka, kb
		if a == nil {
			given, missing = kb, ka
		}
		return 0, 0, t.Errorf("%s: empty, but %s is given: a range needs its first and last byte", missing, given)
	}
	first, err := parseInt(a)
	if err == nil && first < 0 {
		err = fmt.Errorf("negative (%d)", first)
	}
	if err != nil {
		return 0, 0, t.Errorf("%s: %v", ka, err)
	}
	last, err := parseInt(b)
	if err == nil && (last < 0 || last == math.MaxInt64) {
		err = fmt.Errorf("%d is not a byte offset", last)
	}
	if err != nil {
		return 0, 0, t.Errorf("%s: %v", kb, err)
	}
	if first > last {
		return 0, 0, t.Errorf("%s: %d is after %s %d (the last byte)", ka, first, kb, last)
	}
	return first, last + 1, nil
}

// Method is the HTTP method of the record Next returned last: GET if the
// trace gives none. Only callers that use the method pay for checking it:
// an unknown one is an error naming the record.
func (t *TraceReader) Method() (Method, error) {
	if t.format == TraceOracle {
		return GET, nil
	}
	b := present(t.field(colMethod))
	if b == nil {
		return GET, nil
	}
	for i, n := range methodNames {
		if strings.EqualFold(string(b), n) {
			return Method(i), nil
		}
	}
	key := "method"
	if t.format == TraceCloudFront {
		key = "cs-method"
	}
	return GET, t.Errorf("%s: unknown method %s (want one of %s)", key, quote(b), strings.Join(methodNames[:], ", "))
}

// blank reports whether line holds only white space; at a glance when it
// starts with a printable ASCII character, as records do.
func blank(line []byte) bool {
	if len(line) > 0 && line[0] > ' ' && line[0] < 0x80 {
		return false
	}
	return len(bytes.TrimSpace(line)) == 0
}

// present is b trimmed, or nil if that is empty or "-" (a log's "no value").
func present(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "-" {
		return nil
	}
	return b
}

// splitOn splits the first n fields (all if n < 0) of line at sep,
// appending to dst[:0].
func splitOn(line []byte, sep byte, n int, dst [][]byte) [][]byte {
	dst = dst[:0]
	for len(dst) != n {
		i := bytes.IndexByte(line, sep)
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+1:]
	}
	return dst
}

// splitCSV splits the first n fields (all if n < 0) of line into
// t.fields. A field may be double-quoted, with "" for a quote; its
// unquoted text lands in t.scratch, which the first quoted field grows to
// the rest of the line's length, so that it never moves under the slices
// returned. Fields past the n-th are not looked at.
func (t *TraceReader) splitCSV(line []byte, n int) error {
	t.fields, t.scratch = t.fields[:0], t.scratch[:0]
	for len(t.fields) != n {
		if len(line) == 0 || line[0] != '"' {
			j := bytes.IndexByte(line, ',')
			if j < 0 {
				t.fields = append(t.fields, line)
				return nil
			}
			t.fields = append(t.fields, line[:j])
			line = line[j+1:]
			continue
		}
		if len(t.scratch) == 0 && cap(t.scratch) < len(line) {
			// No field points into scratch yet: it may move.
			t.scratch = make([]byte, 0, len(line))
		}
		start := len(t.scratch)
		i := 1
		for {
			j := bytes.IndexByte(line[i:], '"')
			if j < 0 {
				return fmt.Errorf("field %d: unterminated quoted field", len(t.fields)+1)
			}
			t.scratch = append(t.scratch, line[i:i+j]...)
			i += j + 1
			if i < len(line) && line[i] == '"' {
				t.scratch = append(t.scratch, '"')
				i++
				continue
			}
			break
		}
		t.fields = append(t.fields, t.scratch[start:len(t.scratch):len(t.scratch)])
		line = line[i:]
		if len(line) == 0 {
			return nil
		}
		if line[0] != ',' {
			return fmt.Errorf("field %d: text after the closing quote", len(t.fields))
		}
		line = line[1:]
	}
	return nil
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
	return parseDigits(bytes.TrimSpace(b))
}

// parseDigits is parseUint of a trimmed field.
func parseDigits(b []byte) (uint64, error) {
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
	if len(digits) > 0 && (digits[0] < '0' || digits[0] > '9') {
		digits = bytes.TrimSpace(digits) // "- 5"; trailing space is gone already
	}
	u, err := parseDigits(digits)
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
