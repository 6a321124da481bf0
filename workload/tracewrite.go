package workload

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/cdnsim/cdnsim/sim"
)

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

// RequestCSVWriter writes requests as the CSV that TraceReader reads:
// time,obj_id,size,metro,method,path,range_start,range_end with time in
// whole seconds (truncated; the order of the stream is kept) and a range
// request's first and last byte (both empty for the whole object). The
// first three columns are what libCacheSim's CSV reader takes.
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

const requestCSVHeader = "time,obj_id,size,metro,method,path,range_start,range_end\n"

// Write appends r, whose URL path is path, to the trace. It returns an
// error, naming the record, for a size ≤ 0, a negative time, an unknown
// metro, a field with a line break (which CSV readers split on), or a
// range that is empty or not within the object.
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
	if r.Ranged() && !(r.RangeStart >= 0 && r.RangeStart < r.RangeEnd && r.RangeEnd <= r.Size) {
		return fail("range: [%d, %d) is not a range of the object's %d bytes", r.RangeStart, r.RangeEnd, r.Size)
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
	b = append(b, ',')
	if r.Ranged() {
		b = strconv.AppendInt(b, r.RangeStart, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, r.RangeEnd-1, 10)
	} else {
		b = append(b, ',')
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
