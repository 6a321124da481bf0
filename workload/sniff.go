package workload

import (
	"bytes"
	"fmt"
)

// sniffLen is how much of a trace sniff looks at.
const sniffLen = 512

// sniff checks that the start of the trace looks like its format before
// any record is decoded, so that a CSV read as oracleGeneral (which would
// decode its text as thousands of garbage records) or the reverse fails
// at the first record, saying which format the bytes look like. Text
// traces never hold a NUL byte; an oracleGeneral record nearly always
// does (the high bytes of its 32-bit time, 64-bit ID and next-access
// fields), and its first 24 bytes are not all printable text.
func (t *TraceReader) sniff() {
	b := t.head(sniffLen)
	switch t.format {
	case TraceOracle:
		if len(b) >= oracleRecordSize && isText(b[:oracleRecordSize]) {
			line, _, _ := bytes.Cut(b, []byte("\n"))
			t.err = fmt.Errorf("%s: record 1: text (%q), not oracleGeneral's 24-byte binary records: a CSV trace? (--format csv, or trace_format = \"csv\")",
				t.name, truncate(line, maxQuoted))
		}
	case TraceCSV, TraceCloudFront:
		if i := bytes.IndexByte(b, 0); i >= 0 {
			t.err = fmt.Errorf("%s: binary data (a NUL byte at offset %d), not a %s text trace: an oracleGeneral trace? (--format oracle, or trace_format = \"oracle\"), or compressed without a .zst or .gz name",
				t.name, i, t.format)
		}
	}
}

// isText reports whether b is printable ASCII, tabs and line ends.
func isText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// truncate is b cut to n bytes, for quoting in a message.
func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
