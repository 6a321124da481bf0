package workload

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/cdnsim/cdnsim/sim"
)

// TraceSourceConfig says how to read a trace and how to map what it
// records onto a scenario.
type TraceSourceConfig struct {
	Path   string
	Format TraceFormat
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
// transfers carry fewer bytes than the object), at least 1, and at least
// what its range requests reach.
//
// A trace whose header names range columns (a CSV's range_start and
// range_end, a CloudFront log's sc-range-start and sc-range-end: each
// the first and last byte, inclusive) carries its own ranges: a GET with
// both fields is a range request for those bytes, one with neither asks
// for the whole object (HTTP defines Range for GET only: the range of
// another method is ignored). In a CSV the range must lie within the
// record's size; in a CloudFront log it extends the object's size.
//
// Next allocates nothing per request.
type TraceSource struct {
	cfg  TraceSourceConfig
	open func() (*TraceReader, error)

	tr   *TraceReader // the pass being read
	recs int64        // records read in this pass

	// From the first pass.
	first, last int64 // seconds
	count       int64 // requests before end
	end         sim.Time
	scanned     bool
	prev        int64
	ranged      bool // a header named range columns

	// CloudFront: the paths the first pass interned (the second pass's
	// reader starts from them, so IDs agree) and each object's size.
	ids   map[string]uint64
	sizes []int64

	metros   map[string]uint16
	prefixes [][]byte
	spread   alias
	rMetro   *rand.Rand
	done     bool
	err      error
}

// traceReq is one decoded record as the source uses it.
type traceReq struct {
	TraceRecord
	metro  int32 // −1: no location given
	method Method
	// rangeStart and rangeEnd are the byte range [rangeStart, rangeEnd)
	// a GET asks for; rangeEnd 0 for the whole object.
	rangeStart, rangeEnd int64
}

// maxSpanSeconds bounds a trace's span so that nanoseconds of virtual time
// cannot overflow int64 (~292 years).
const maxSpanSeconds = math.MaxInt64 / int64(sim.Second)

// OpenTraceSource checks the whole trace at cfg.Path (decompressing .zst
// and .gz on the fly) and returns a source positioned at its first record.
// Close it when done (it closes itself at the end of the stream).
func OpenTraceSource(cfg TraceSourceConfig) (*TraceSource, error) {
	return newTraceSource(cfg, func() (*TraceReader, error) { return OpenTrace(cfg.Path, cfg.Format) })
}

func newTraceSource(cfg TraceSourceConfig, open func() (*TraceReader, error)) (*TraceSource, error) {
	if cfg.Format > TraceCloudFront {
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
// counts the requests, and sizes CloudFront objects.
func (s *TraceSource) scan() error {
	if err := s.reopen(); err != nil {
		return err
	}
	defer s.Close()
	var rec traceReq
	for s.read(&rec) {
		if s.recs == 1 {
			s.first, s.prev = rec.Time, rec.Time
		}
		if rec.Time < s.prev {
			return s.fail("time: %d is before the previous record's %d; sort the trace by time", rec.Time, s.prev)
		}
		if rec.Time-s.first >= maxSpanSeconds {
			return s.fail("time: %d is too long after the first record's %d", rec.Time, s.first)
		}
		s.prev = rec.Time
		if s.cfg.Duration > 0 && sim.Time(rec.Time-s.first)*sim.Second >= s.cfg.Duration {
			break
		}
		s.last = rec.Time
		s.count++
		if s.cfg.Format == TraceCloudFront {
			// IDs are dense in order of first appearance.
			if rec.ID == uint64(len(s.sizes)) {
				s.sizes = append(s.sizes, 1)
			}
			s.sizes[rec.ID] = max(s.sizes[rec.ID], rec.Size, rec.rangeEnd)
		} else if rec.rangeEnd > rec.Size {
			return s.fail("range_end: %d is past the object's last byte (size %d: bytes 0-%d)", rec.rangeEnd-1, rec.Size, rec.Size-1)
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
	tr, err := s.open()
	if err != nil {
		return err
	}
	if s.cfg.Format == TraceCloudFront {
		if s.ids == nil {
			s.ids = tr.ids
		}
		tr.ids = s.ids
	}
	s.tr = tr
	s.recs, s.err, s.done = 0, nil, false
	return nil
}

// Close releases the file. It is safe to call more than once.
func (s *TraceSource) Close() error {
	if s.tr == nil {
		return nil
	}
	return s.tr.Close()
}

// Duration is the stream's length: the configured one, or the trace's span
// rounded up to whole seconds.
func (s *TraceSource) Duration() sim.Time { return s.end }

// Requests is the number of requests the stream holds.
func (s *TraceSource) Requests() int64 { return s.count }

// CarriesRanges reports whether the trace's header names range columns,
// so that its requests' ranges are its own: a run leaves its classes'
// range draws (workload.NewRanges) out for such a trace.
func (s *TraceSource) CarriesRanges() bool { return s.ranged }

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
	if s.tr == nil {
		return nil
	}
	return s.tr.Path()
}

// Next implements Source.
func (s *TraceSource) Next(r *Request) bool {
	if s.done || s.err != nil || !s.scanned {
		return false
	}
	var rec traceReq
	if !s.read(&rec) {
		return s.stop()
	}
	if rec.Time < s.prev || rec.Time < s.first {
		s.fail("time: %d is before the previous record's %d (did the file change?)", rec.Time, s.prev)
		return s.stop()
	}
	s.prev = rec.Time
	t := sim.Time(rec.Time-s.first) * sim.Second
	if t >= s.end || s.recs > s.count {
		return s.stop()
	}
	size := rec.Size
	if s.cfg.Format == TraceCloudFront {
		if rec.ID >= uint64(len(s.sizes)) {
			s.fail("cs-uri-stem: %s was not in the trace a moment ago (did the file change?)", quote(s.tr.Path()))
			return s.stop()
		}
		size = s.sizes[rec.ID]
	}
	metro := rec.metro
	if metro < 0 {
		metro = int32(s.spread.sample(s.rMetro))
	}
	*r = Request{Time: t, Object: rec.ID, Size: size, Metro: uint16(metro), Class: s.class(s.tr.Path()), Method: rec.method,
		RangeStart: rec.rangeStart, RangeEnd: rec.rangeEnd}
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

// fail records an error about the record just read and returns it.
func (s *TraceSource) fail(format string, a ...any) error {
	s.err = s.tr.Errorf(format, a...)
	return s.err
}

// read decodes the next record into rec, with its metro and method; false
// at the end (s.err io.EOF) or on an error (s.err set).
func (s *TraceSource) read(rec *traceReq) bool {
	if s.err != nil {
		return false
	}
	if !s.tr.Next(&rec.TraceRecord) {
		if s.err = s.tr.Err(); s.err == nil {
			s.err = io.EOF
		}
		return false
	}
	s.recs++
	rec.metro = -1
	if name := s.tr.Metro(); name != nil {
		m, ok := s.metros[string(name)]
		if !ok {
			s.fail("metro: no metro named %s in the scenario", quote(name))
			return false
		}
		rec.metro = int32(m)
	} else if code := s.tr.Location(); code != nil {
		rec.metro = s.edgeMetro(code)
	}
	var err error
	if rec.method, err = s.tr.Method(); err != nil {
		s.err = err
		return false
	}
	s.ranged = s.ranged || s.tr.HasRanges()
	if rec.rangeStart, rec.rangeEnd, err = s.tr.Range(); err != nil {
		s.err = err
		return false
	}
	if rec.method != GET {
		rec.rangeStart, rec.rangeEnd = 0, 0
	}
	return true
}

// edgeMetro maps an edge location code to a metro, or −1.
func (s *TraceSource) edgeMetro(code []byte) int32 {
	var buf [8]byte
	n := 0
	for _, ch := range code {
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch < 'A' || ch > 'Z' || n == len(buf) {
			break
		}
		buf[n] = ch
		n++
	}
	if n == 0 {
		return -1
	}
	if m, ok := s.cfg.Locations[string(buf[:n])]; ok {
		return int32(m)
	}
	return -1
}
