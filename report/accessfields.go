package report

// The access log's fields: result types, and the formatting of times,
// client addresses, edge locations, escaped strings and what viewers send.

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// Result types of x-edge-result-type and its siblings.
const (
	resultHit        = "Hit"
	resultRefreshHit = "RefreshHit"
	resultMiss       = "Miss"
	resultError      = "Error"
)

// resultType maps an Outcome to CloudFront's x-edge-result-type: the
// POP's result, where requests that waited on a collapsed fetch or
// bypassed the cache are Misses (the object did not come from this POP's
// cache), and anything answered with a 4xx or 5xx is an Error, as
// CloudFront's standard log fields define them.
func resultType(o *topology.Outcome) string {
	switch {
	case o.Status >= 400:
		return resultError
	case o.Edge == topology.Hit:
		return resultHit
	case o.Edge == topology.RefreshHit:
		return resultRefreshHit
	default:
		return resultMiss
	}
}

// detailedResultType is x-edge-detailed-result-type: the result type, or
// for an Error the kind of error, in CloudFront's words: an error response
// served from the cache is "Error", a connection to the origin that timed
// out "OriginConnectError", an error the origin sent "OriginError".
func detailedResultType(o *topology.Outcome, rt string) string {
	switch {
	case rt != resultError:
		return rt
	case o.Edge == topology.Error && !o.SentUpstream(topology.TierEdge):
		return resultError
	case o.Status == 504:
		return "OriginConnectError"
	case o.ToOrigin():
		return "OriginError"
	}
	return resultError
}

func append2(b []byte, v int64) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// appendSeconds writes t in seconds with three decimals, rounded to the
// nearest millisecond ("0.001"), as CloudFront's time-taken.
func appendSeconds(b []byte, t sim.Time) []byte {
	ms := (max(int64(t), 0) + int64(sim.Millisecond)/2) / int64(sim.Millisecond)
	b = strconv.AppendInt(b, ms/1000, 10)
	frac := ms % 1000
	return append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}

// docNets are the IPv4 blocks reserved for documentation (RFC 5737), so a
// synthetic client address can never be mistaken for a real one.
var docNets = [...][3]byte{{192, 0, 2}, {198, 51, 100}, {203, 0, 113}}

// ClientIP is the synthetic c-ip of viewers in metro m: host m%254+1 of
// the documentation block m/254 (mod 3): metro 0 is 192.0.2.1, metro 254
// is 198.51.100.1; beyond 762 metros addresses repeat.
func ClientIP(m uint16) string { return string(appendClientIP(nil, m)) }

func appendClientIP(b []byte, m uint16) []byte {
	n := docNets[int(m)/254%len(docNets)]
	for _, x := range n {
		b = strconv.AppendUint(b, uint64(x), 10)
		b = append(b, '.')
	}
	return strconv.AppendUint(b, uint64(m)%254+1, 10)
}

// EdgeLocation is the x-edge-location logged for a POP: its name with a
// number and "-C1" as CloudFront's location codes ("IAD89-C1"). The
// number is 50–99 from a hash of the name, so it is stable when POPs are
// added or reordered. Characters that would break the format are escaped.
func EdgeLocation(pop string) string {
	h := fnv.New32a()
	h.Write([]byte(pop))
	return escapeField(pop) + strconv.Itoa(50+int(h.Sum32()%50)) + "-C1"
}

// logEncoded marks the bytes CloudFront URL-encodes in a log field:
// "ASCII character codes 0 through 32, inclusive", "127 and higher" and
// < > " # % { } | \ ^ ~ [ ] ` ' (the table of "Standard log file format",
// CloudFront Developer Guide, docs.aws.amazon.com/AmazonCloudFront/latest/
// DeveloperGuide/AccessLogs.html#LogFileFormat). So a space is "%20" (the
// user agent's), a tab or newline never splits a field or a record, and
// "%" itself is encoded, so a value reads back unambiguously: a query
// string the viewer sent already encoded ("q=a%20b") is logged
// "q=a%2520b". "&" and "=", which structure a query string, are not.
var logEncoded = func() (t [256]bool) {
	for c := range t {
		t[c] = c <= ' ' || c >= 0x7f
	}
	for _, c := range []byte("<>\"#%{}|\\^~[]`'") {
		t[c] = true
	}
	return t
}()

// escapeField is s URL-encoded as CloudFront encodes log fields
// (logEncoded), "-" when empty.
func escapeField(s string) string {
	if s == "" {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if logEncoded[c] {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// logSends is what a class's viewers send beyond the URL, ready to log:
// each part's "name=" URL-encoded, nil for a part the class does not send.
type logSends struct {
	query, tracking, cookie []byte
}

func newLogSends(s *workload.Sends) logSends {
	part := func(p workload.Param) []byte {
		if p.Share <= 0 || p.Name == "" {
			return nil
		}
		return []byte(escapeField(p.Name) + "=")
	}
	return logSends{query: part(s.Query), tracking: part(s.Tracking), cookie: part(s.Cookie)}
}

// appendQuery appends cs-uri-query for a request that sent v: the
// meaningful parameter, then the tracking one (sharers append theirs to
// the URL they were given), "&"-separated, without the "?"; nothing when
// it sent neither. s may be nil (a class the log was not told of).
func (s *logSends) appendQuery(b []byte, v workload.Variant) []byte {
	if s == nil {
		return b
	}
	n := len(b)
	if s.query != nil && v&workload.VariantQuery != 0 {
		b = append(b, s.query...)
		b = strconv.AppendUint(b, v.QueryValue(), 10)
	}
	if s.tracking != nil && v&workload.VariantTracking != 0 {
		if len(b) > n {
			b = append(b, '&')
		}
		b = append(b, s.tracking...)
		b = strconv.AppendUint(b, v.TrackingValue(), 10)
	}
	return b
}

// cookieLen is the length of the Cookie header's value a request that sent
// v carried (name=value), 0 when it sent none.
func (s *logSends) cookieLen(v workload.Variant) int {
	if s == nil || s.cookie == nil || v&workload.VariantCookie == 0 {
		return 0
	}
	return len(s.cookie) + decimalLen(v.CookieValue())
}

// appendCookie appends the Cookie header's value (cookieLen > 0).
func (s *logSends) appendCookie(b []byte, v workload.Variant) []byte {
	b = append(b, s.cookie...)
	return strconv.AppendUint(b, v.CookieValue(), 10)
}

func decimalLen(x uint64) int {
	n := 1
	for ; x >= 10; x /= 10 {
		n++
	}
	return n
}

// logMix is the n-th value of a SplitMix64 stream started at seed: the log's
// per-line pseudo-random fields, a function of the line alone.
func logMix(seed, n uint64) uint64 {
	return sim.Mix64(seed + (n+1)*0x9e3779b97f4a7c15)
}
