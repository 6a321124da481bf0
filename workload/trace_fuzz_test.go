package workload

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// checkTraceResult asserts the contract every input must meet: either the
// whole input reads cleanly, or the error names the file and either the
// header or the record that failed, which is the one after the last good one.
func checkTraceResult(t *testing.T, re *regexp.Regexp, got []TraceRecord, err error) {
	t.Helper()
	if err == nil {
		return
	}
	m := re.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %q names neither the header nor a record", err)
	}
	if m[1] != "" {
		k, _ := strconv.Atoi(m[1])
		if k != len(got)+1 {
			t.Fatalf("error %q after %d good records; want record %d", err, len(got), len(got)+1)
		}
	}
}

func FuzzCSVTrace(f *testing.F) {
	for _, s := range []string{
		"time,obj_id,size\n1,2,3\n4,5,6\n",
		"time,obj_id,size,path\r\n1,2,3,/a,b\r\n",
		"time,obj_id,size\n1,2,0\n",
		"time,obj_id,size\n1.5,2,3\n",
		"time,obj_id,size\n-1,18446744073709551615,9223372036854775807\n",
		"time,obj_id\n1,2\n",
		"",
		"\n\n",
		"\x00", // binary data: sniffed before any header
	} {
		f.Add([]byte(s))
	}
	re := regexp.MustCompile(`^f\.csv(?::[0-9]+)?: (?:empty file|binary data |header: |record ([0-9]+): )`)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := readAll(NewTraceReader(bytes.NewReader(data), "f.csv", TraceCSV))
		checkTraceResult(t, re, got, err)
		for i, r := range got {
			if r.Size <= 0 || r.Time < 0 || r.Next != -1 {
				t.Fatalf("record %d accepted with %+v", i+1, r)
			}
		}
		if err != nil {
			return
		}
		// What was read cleanly writes and reads back unchanged.
		var buf bytes.Buffer
		w := NewTraceWriter(&buf, TraceCSV)
		for _, r := range got {
			if err := w.Write(r); err != nil {
				t.Fatalf("writing back %+v: %v", r, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		again, err := readAll(NewTraceReader(&buf, "f.csv", TraceCSV))
		if err != nil || !slices.Equal(again, got) {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, got)
		}
	})
}

func FuzzOracleTrace(f *testing.F) {
	f.Add(oracleBytes([4]int64{1, 2, 3, 2}, [4]int64{2, 2, 3, -1}))
	f.Add(oracleBytes([4]int64{1, 2, 0, -1}))
	f.Add(append(oracleBytes([4]int64{1, 2, 3, -1}), 9, 9, 9))
	f.Add([]byte{})
	re := regexp.MustCompile(`^f\.oracleGeneral: record ([0-9]+): `)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := readAll(NewTraceReader(bytes.NewReader(data), "f.oracleGeneral", TraceOracle))
		checkTraceResult(t, re, got, err)
		// The bulk path, and both paths decoding in place from memory (a
		// mapped file), read the same records and stop at the same error.
		for _, rd := range oracleReaders {
			bulk, bulkErr := readBatched(rd.open(data, "f.oracleGeneral"), 3, 1, 64)
			if !slices.Equal(bulk, got) || fmt.Sprint(bulkErr) != fmt.Sprint(err) {
				t.Fatalf("ReadBatch from %s: %d records, %v; Next: %d, %v", rd.name, len(bulk), bulkErr, len(got), err)
			}
		}
		mem, memErr := readAll(newMemTraceReader(data, "f.oracleGeneral"))
		if !slices.Equal(mem, got) || fmt.Sprint(memErr) != fmt.Sprint(err) {
			t.Fatalf("Next from memory: %d records, %v; from a reader: %d, %v", len(mem), memErr, len(got), err)
		}
		// Independent check of which records are valid: whole 24-byte
		// records with a non-zero size (bytes 12-15).
		wantGood := 0
		for off := 0; off+24 <= len(data) && !bytes.Equal(data[off+12:off+16], []byte{0, 0, 0, 0}); off += 24 {
			wantGood++
		}
		if len(data) >= 24 && isText(data[:24]) {
			wantGood = 0 // sniffed as text (a CSV given as oracleGeneral): refused at record 1
		}
		clean := wantGood*24 == len(data)
		if len(got) != wantGood || (err == nil) != clean {
			t.Fatalf("%d bytes: read %d records, error %v; want %d records, clean %v", len(data), len(got), err, wantGood, clean)
		}
		for i, r := range got {
			if r.Size <= 0 || r.Time < 0 || r.Next < -1 {
				t.Fatalf("record %d accepted with %+v", i+1, r)
			}
		}
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w := NewTraceWriter(&buf, TraceOracle)
		for _, r := range got {
			if err := w.Write(r); err != nil {
				t.Fatalf("writing back %+v: %v", r, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		again, err := readAll(NewTraceReader(&buf, "f.oracleGeneral", TraceOracle))
		if err != nil || !slices.Equal(again, got) {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, got)
		}
	})
}
