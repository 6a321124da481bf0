package workload

import (
	"bytes"
	"strings"
	"testing"
)

// TestSniffRejectsTheOtherFormatAtTheFirstRecord: a CSV read as
// oracleGeneral, and an oracleGeneral trace read as CSV or a CloudFront
// log, fail before a record is decoded, naming what the bytes look like;
// each read as its own format is accepted.
func TestSniffRejectsTheOtherFormatAtTheFirstRecord(t *testing.T) {
	t.Parallel()
	csv := []byte("time,obj_id,size\n" + strings.Repeat("10,1,100\n", 10))
	oracle := oracleBytes([4]int64{10, 1, 100, 3}, [4]int64{11, 2, 200, -1})
	for _, c := range []struct {
		name string
		in   []byte
		f    TraceFormat
		want string // prefix of the error; "" for none
	}{
		{"csv as oracle", csv, TraceOracle, `x: record 1: text ("time,obj_id,size"), not oracleGeneral's 24-byte binary records: a CSV trace?`},
		{"oracle as csv", oracle, TraceCSV, "x: binary data (a NUL byte at offset 1), not a csv text trace: an oracleGeneral trace?"},
		{"oracle as cloudfront", oracle, TraceCloudFront, "x: binary data (a NUL byte at offset 1), not a cloudfront text trace"},
		{"csv", csv, TraceCSV, ""},
		{"oracle", oracle, TraceOracle, ""},
		// Shorter than a record: the reader's own error says it is cut.
		{"short text as oracle", []byte("a,b\n"), TraceOracle, "x: "},
	} {
		r := NewTraceReader(bytes.NewReader(c.in), "x", c.f)
		var rec TraceRecord
		n := 0
		for r.Next(&rec) {
			n++
		}
		err := r.Err()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		case c.want != "" && n > 0:
			t.Errorf("%s: %d records decoded before the error", c.name, n)
		}
	}
}
