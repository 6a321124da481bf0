package workload

import (
	"bytes"
	"fmt"
	"strings"
)

// CloudFront standard access logs (the legacy "standard logging" format):
// UTF-8 text, a "#Version: 1.0" line, a "#Fields: date time
// x-edge-location sc-bytes c-ip cs-method ..." line naming the
// tab-separated columns, then one request per line; "-" is an empty value.
// Columns are found by name, so logs with fields removed or added (real
// time logs' subsets, a "metro" column added by hand) read too. Files
// concatenated together repeat the header lines; a later #Fields replaces
// the earlier one.
//
// Used: date and time (UTC, whole seconds) → virtual time from the first
// record; cs-uri-stem → object (interned) and class (by prefix); sc-bytes →
// size (see TraceSource); cs-method → method (GET when absent); metro (a
// scenario metro's name) if present, else x-edge-location ("IAD89-C1": the
// letters before the first digit name the POP; see
// TraceSourceConfig.Locations) → metro. Required: date, time, sc-bytes,
// cs-uri-stem.

func (s *TraceSource) readCloudFront(rec *traceRec) bool {
	var line []byte
	for {
		if line = s.nextLine(); line == nil {
			return false
		}
		if len(line) > 0 && line[0] == '#' {
			if rest, ok := bytes.CutPrefix(line, []byte("#Fields:")); ok && !s.cfFields(rest) {
				return false
			}
			continue
		}
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
	}
	s.recs++
	if !s.hdr {
		s.fail("no #Fields: line before the first record: is this a CloudFront standard log?")
		return false
	}
	f := s.fields[:0]
	for {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			f = append(f, line)
			break
		}
		f = append(f, line[:i])
		line = line[i+1:]
	}
	s.fields = f
	c := &s.col
	if len(f) < c.n {
		s.fail("want %d tab-separated fields as #Fields names, got %d", c.n, len(f))
		return false
	}
	sec, ok := parseDateTime(f[c.date], f[c.time])
	if !ok {
		s.fail("date time: want YYYY-MM-DD and HH:MM:SS, got %s %s", quote(f[c.date]), quote(f[c.time]))
		return false
	}
	*rec = traceRec{sec: sec, metro: -1}
	if b := bytes.TrimSpace(f[c.size]); len(b) > 0 && string(b) != "-" {
		n, err := parseInt(b)
		if err != nil {
			s.fail("sc-bytes: %v", err)
			return false
		}
		if n < 0 {
			s.fail("sc-bytes: negative (%d)", n)
			return false
		}
		rec.size = n
	}
	rec.path = f[c.path]
	if len(rec.path) == 0 || string(rec.path) == "-" {
		s.fail("cs-uri-stem: empty")
		return false
	}
	if c.method >= 0 && !s.methodField(rec, f[c.method], "cs-method") {
		return false
	}
	switch {
	case c.metro >= 0 && len(bytes.TrimSpace(f[c.metro])) > 0 && string(bytes.TrimSpace(f[c.metro])) != "-":
		if !s.metroField(rec, f[c.metro], "metro") {
			return false
		}
	case c.location >= 0:
		rec.metro = s.edgeMetro(f[c.location])
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

// cfFields reads a #Fields: line.
func (s *TraceSource) cfFields(names []byte) bool {
	s.hdr = true
	c := columns{time: -1, id: -1, size: -1, metro: -1, method: -1, path: -1, date: -1, location: -1}
	for i, name := range strings.Fields(string(names)) {
		var p *int
		switch strings.ToLower(name) {
		case "date":
			p = &c.date
		case "time":
			p = &c.time
		case "x-edge-location":
			p = &c.location
		case "sc-bytes":
			p = &c.size
		case "cs-method":
			p = &c.method
		case "cs-uri-stem":
			p = &c.path
		case "metro":
			p = &c.metro
		default:
			continue
		}
		if *p >= 0 {
			s.err = s.headerErr("field %q appears twice", name)
			return false
		}
		*p = i
		c.n = max(c.n, i+1)
	}
	for _, req := range []struct {
		name string
		i    int
	}{{"date", c.date}, {"time", c.time}, {"sc-bytes", c.size}, {"cs-uri-stem", c.path}} {
		if req.i < 0 {
			s.err = s.headerErr("#Fields names no %s field", req.name)
			return false
		}
	}
	s.col = c
	return true
}

func (s *TraceSource) headerErr(format string, a ...any) error {
	return fmt.Errorf("%s:%d: #Fields: %s", s.cfg.Path, s.line, fmt.Sprintf(format, a...))
}

// parseDateTime reads "YYYY-MM-DD" and "HH:MM:SS" as seconds since the
// Unix epoch (UTC), without allocating.
func parseDateTime(date, tm []byte) (int64, bool) {
	date, tm = bytes.TrimSpace(date), bytes.TrimSpace(tm)
	if len(date) != 10 || date[4] != '-' || date[7] != '-' || len(tm) != 8 || tm[2] != ':' || tm[5] != ':' {
		return 0, false
	}
	y, ok1 := digits(date[0:4])
	mo, ok2 := digits(date[5:7])
	d, ok3 := digits(date[8:10])
	h, ok4 := digits(tm[0:2])
	mi, ok5 := digits(tm[3:5])
	sec, ok6 := digits(tm[6:8])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 60 {
		return 0, false
	}
	return daysFromCivil(y, mo, d)*86400 + h*3600 + mi*60 + sec, true
}

func digits(b []byte) (int64, bool) {
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 { // 0000-01-01: floor, not truncation
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
