package workload

import "bytes"

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
// TraceSourceConfig.Locations) → metro; sc-range-start and sc-range-end
// (a 206's first and last byte) → the request's range (TraceReader.Range).
// Required: date, time, sc-bytes, cs-uri-stem.

func (t *TraceReader) nextCloudFront(rec *TraceRecord) bool {
	var line []byte
	for {
		if line = t.nextLine(); line == nil {
			return false
		}
		if len(line) > 0 && line[0] == '#' {
			// Files concatenated together repeat the header lines; a later
			// #Fields replaces the earlier one.
			if names, ok := bytes.CutPrefix(line, []byte("#Fields:")); ok && !t.header(&cloudFrontSpec, bytes.Fields(names), line) {
				return false
			}
			continue
		}
		if !blank(line) {
			break
		}
	}
	t.n++
	if !t.hdr {
		return t.fail("no #Fields: line before the first record: is this a CloudFront standard log?")
	}
	t.fields = splitOn(line, '\t', t.col.n, t.fields)
	if len(t.fields) < t.col.n {
		return t.failFieldCount(&cloudFrontSpec)
	}
	sec, ok := parseDateTime(t.field(colDate), t.field(colTime))
	if !ok {
		return t.fail("date time: want YYYY-MM-DD and HH:MM:SS, got %s %s", quote(t.field(colDate)), quote(t.field(colTime)))
	}
	*rec = TraceRecord{Time: sec, Next: -1}
	if b := present(t.field(colSize)); b != nil {
		n, err := parseInt(b)
		if err != nil {
			return t.fail("sc-bytes: %v", err)
		}
		if n < 0 {
			return t.fail("sc-bytes: negative (%d)", n)
		}
		rec.Size = n
	}
	path := t.field(colPath)
	if len(path) == 0 || string(path) == "-" {
		return t.fail("cs-uri-stem: empty")
	}
	id, ok := t.ids[string(path)]
	if !ok {
		id = uint64(len(t.ids))
		t.ids[string(path)] = id
	}
	rec.ID = id
	return true
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
