package report

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// AccessLogFile is the name cdnsim run gives the access log.
const AccessLogFile = "access.log"

// AccessLogHeader is the two header lines of a CloudFront standard log
// (the legacy "standard logging" format), in the documented field order.
const AccessLogHeader = "#Version: 1.0\n" +
	"#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status " +
	"cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id " +
	"x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher " +
	"x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port " +
	"time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len " +
	"sc-range-start sc-range-end\n"

// Defaults of AccessLogConfig.
const (
	// DefaultLogHost is the example distribution domain of CloudFront's documentation.
	DefaultLogHost = "d111111abcdef8.cloudfront.net"
	// DefaultUserAgent is written, spaces %20-escaped as CloudFront writes them.
	DefaultUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	// DefaultContentType is sc-content-type for a class without one.
	DefaultContentType = "application/octet-stream"
)

// DefaultLogStart is the wall-clock instant of virtual time 0 in the log.
var DefaultLogStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Modelled header sizes: sc-bytes counts the response headers as well as
// the body (CloudFront: "the total number of bytes that the server sent to
// the viewer, including headers"), and cs-bytes is the request, headers
// included. A typical HTTP/2 exchange with a browser and CloudFront's
// Server, Via, X-Cache, X-Amz-Cf-Pop and X-Amz-Cf-Id headers is a few
// hundred bytes each way; the exact value only shifts every line equally.
const (
	respHeaderBytes = 420
	// reqHeaderBytes is the request's fixed part: the host, the path,
	// the query string and a Cookie header (cookieHeaderBytes plus its
	// value) vary.
	reqHeaderBytes    = 380
	cookieHeaderBytes = len("Cookie: \r\n")
)

// flushAt is when the line buffer is handed to the writer: big enough that
// the write syscall is amortised over hundreds of lines.
const flushAt = 64 << 10

// AccessLogConfig describes the log an AccessLog writes.
type AccessLogConfig struct {
	// Warmup is the simulated time before the measured period: requests
	// that arrive before it are not logged.
	Warmup    sim.Time
	Start     time.Time // wall-clock time of the end of the warm-up (UTC, whole seconds); DefaultLogStart when zero
	Host      string    // cs(Host) and x-host-header; DefaultLogHost when empty
	UserAgent string    // cs(User-Agent), unescaped; DefaultUserAgent when empty
	// Sample is the fraction of viewer requests logged, in (0, 1]; 0
	// means 1. Which ones is decided by the stream "accesslog" of Seed.
	Sample float64
	Seed   uint64
	POPs   []string // POP names by Outcome.POP ("IAD" is logged as "IAD89-C1")
	// Prefixes are the content classes' URL path prefixes by Outcome.Class:
	// cs-uri-stem is Prefix followed by the object's decimal ID.
	Prefixes     []string
	ContentTypes []string // sc-content-type by class; DefaultContentType where missing or empty
	// Sends is what each class's viewers send beyond the URL, by class
	// (workload.Class.Sends): cs-uri-query holds the query parameters a
	// request carried (Outcome.Sent) under these names, and cs(Cookie) its
	// cookie. A parameter's value is written as its index, in decimal
	// (what a value is does not matter to a cache, only which).
	Sends []workload.Sends
	// Cookies is CloudFront's cookie logging, off by default as in
	// CloudFront: on, cs(Cookie) holds the Cookie header the viewer sent
	// ("-" when it sent none); off, it is always "-".
	Cookies bool
}

// AccessLog is a topology.Observer writing one line per sampled viewer
// request in CloudFront's standard log format. Observe formats into a
// reused buffer and allocates nothing. Not safe for concurrent use.
type AccessLog struct {
	w      io.Writer
	buf    []byte
	err    error // first write error; later writes are skipped
	rng    *rand.Rand
	sample float64
	logQ   float64 // log(1 - sample), for gap
	skip   uint64  // viewer requests to pass over before the next logged one
	seed   uint64
	warmup sim.Time
	start  int64 // Unix seconds of the end of the warm-up

	host, ua  []byte // cs(Host), escaped user agent
	locations [][]byte
	prefixes  [][]byte
	ctypes    [][]byte
	sends     []logSends // by class
	cookies   bool

	day     int64 // Unix day of date; -1 before the first line
	date    [10]byte
	seq     uint64 // viewer requests observed, logged or not
	lines   int64
	idBytes [40]byte
	id      [56]byte // base64 of idBytes: CloudFront's ids are 56 characters

	// file is set for a log streamed to a temporary file (CreateAccessLog).
	file *AtomicFile
}

var _ topology.Observer = (*AccessLog)(nil)

// NewAccessLog returns an AccessLog writing to w, header lines first. The
// lines are buffered; call Flush at the end.
func NewAccessLog(w io.Writer, cfg AccessLogConfig) (*AccessLog, error) {
	if cfg.Sample < 0 || cfg.Sample > 1 || cfg.Sample != cfg.Sample {
		return nil, fmt.Errorf("access log: sample %v is outside (0, 1]", cfg.Sample)
	}
	if cfg.Sample == 0 {
		cfg.Sample = 1
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultLogStart
	}
	if cfg.Host == "" {
		cfg.Host = DefaultLogHost
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	l := &AccessLog{
		w:      w,
		buf:    make([]byte, 0, flushAt+4096),
		rng:    sim.NewRand(cfg.Seed, "accesslog"),
		sample: cfg.Sample,
		seed:   cfg.Seed,
		warmup: max(cfg.Warmup, 0),
		start:  cfg.Start.Unix(),
		host:   []byte(escapeField(cfg.Host)),
		ua:     []byte(escapeField(cfg.UserAgent)),
		day:    -1,
	}
	if l.sample < 1 {
		l.logQ = math.Log1p(-l.sample)
		l.skip = l.gap()
	}
	for _, p := range cfg.POPs {
		l.locations = append(l.locations, []byte(EdgeLocation(p)))
	}
	for i, p := range cfg.Prefixes {
		l.prefixes = append(l.prefixes, []byte(escapeField(p)))
		ct := DefaultContentType
		if i < len(cfg.ContentTypes) && cfg.ContentTypes[i] != "" {
			ct = cfg.ContentTypes[i]
		}
		l.ctypes = append(l.ctypes, []byte(escapeField(ct)))
	}
	for _, s := range cfg.Sends {
		l.sends = append(l.sends, newLogSends(&s))
	}
	l.cookies = cfg.Cookies
	l.buf = append(l.buf, AccessLogHeader...)
	if l.warmup > 0 {
		// W3C extended log files may carry remarks; log readers skip lines
		// starting with #.
		l.buf = fmt.Appendf(l.buf, "#Remark: cdnsim simulated a %s warm-up before the first line; it is not logged\n", l.warmup.Short())
	}
	return l, nil
}

// CreateAccessLog returns an AccessLog streaming into a temporary file
// beside path (creating its directory); Close renames it to path, Abort
// removes it, so path never holds a partial log.
func CreateAccessLog(path string, cfg AccessLogConfig) (*AccessLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	f, err := CreateAtomic(path)
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	l, err := NewAccessLog(f, cfg)
	if err != nil {
		f.Abort()
		return nil, err
	}
	l.file = f
	return l, nil
}

// Lines is the number of request lines written so far (headers excluded).
func (l *AccessLog) Lines() int64 { return l.lines }

// Flush writes the buffered lines and reports the first write error.
func (l *AccessLog) Flush() error {
	l.write()
	return l.err
}

// Close flushes the log; for one made by CreateAccessLog it then renames
// the temporary file into place, or removes it on any error.
func (l *AccessLog) Close() error {
	err := l.Flush()
	if l.file == nil {
		return err
	}
	f := l.file
	l.file = nil
	if err != nil {
		f.Abort()
		return fmt.Errorf("access log: %w", err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("access log: %w", err)
	}
	return nil
}

// Abort discards a log made by CreateAccessLog: its temporary file is
// removed and path is left as it was. It does nothing after Close.
func (l *AccessLog) Abort() {
	if l.file == nil {
		return
	}
	l.file.Abort()
	l.file = nil
	l.err = errors.New("access log: aborted")
}

func (l *AccessLog) write() {
	if len(l.buf) == 0 {
		return
	}
	if l.err == nil {
		_, l.err = l.w.Write(l.buf)
	}
	l.buf = l.buf[:0]
}

// gap draws how many viewer requests pass unlogged before the next logged
// one: geometric, the number of failures before a success of probability
// sample, so each request is logged with probability sample independently
// of the others, as a coin per request would, for one draw per logged line
// instead of one per request.
func (l *AccessLog) gap() uint64 {
	u := 1 - l.rng.Float64() // (0, 1]
	return uint64(min(math.Floor(math.Log(u)/l.logQ), 1<<62))
}

// Observe logs o if it is sampled.
func (l *AccessLog) Observe(o *topology.Outcome) {
	if o.Time < l.warmup || o.Ghost {
		// A ghost (workload.Request.Ghost) is not one of the sample's
		// requests: the counted ones are, in their share.
		return
	}
	seq := l.seq
	l.seq++
	if l.sample < 1 {
		if l.skip > 0 {
			l.skip--
			return
		}
		l.skip = l.gap()
	}
	l.lines++
	b := l.buf

	// CloudFront's times are the server's: time-taken runs from receiving
	// the request to writing the last byte (the first byte, then the body
	// at the bottleneck's rate), and the line's time is when it finished.
	taken := o.ServerTTFB + (o.TTLB - o.TTFB)
	at := o.Time - l.warmup + taken
	secs := int64(at) / int64(sim.Second)
	if at < 0 && int64(at)%int64(sim.Second) != 0 {
		secs-- // floor
	}
	abs := l.start + secs
	day, sod := abs/86400, abs%86400
	if sod < 0 {
		day, sod = day-1, sod+86400
	}
	if day != l.day {
		l.day = day
		time.Unix(day*86400, 0).UTC().AppendFormat(l.date[:0], "2006-01-02")
	}
	b = append(b, l.date[:]...)
	b = append(b, '\t')
	b = append2(b, sod/3600)
	b = append(b, ':')
	b = append2(b, sod/60%60)
	b = append(b, ':')
	b = append2(b, sod%60)
	b = append(b, '\t')

	if int(o.POP) < len(l.locations) {
		b = append(b, l.locations[o.POP]...)
	} else {
		b = append(b, "POP"...)
		b = strconv.AppendUint(b, uint64(o.POP), 10)
		b = append(b, "-C1"...)
	}
	b = append(b, '\t')
	size := max(o.Size, 0)
	b = strconv.AppendInt(b, size+respHeaderBytes, 10)
	b = append(b, '\t')
	b = appendClientIP(b, o.Metro)
	b = append(b, '\t')
	b = append(b, o.Method.String()...)
	b = append(b, '\t')
	b = append(b, l.host...)
	b = append(b, '\t')
	stem := len(b)
	if int(o.Class) < len(l.prefixes) {
		b = append(b, l.prefixes[o.Class]...)
	} else {
		b = append(b, '/')
	}
	b = strconv.AppendUint(b, o.Object, 10)
	stemLen := len(b) - stem
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(o.Status), 10)
	b = append(b, "\t-\t"...) // referer
	b = append(b, l.ua...)
	b = append(b, '\t')
	var sends *logSends
	if int(o.Class) < len(l.sends) {
		sends = &l.sends[o.Class]
	}
	query := len(b)
	b = sends.appendQuery(b, o.Sent)
	query = len(b) - query
	reqBytes := reqHeaderBytes + len(l.host) + stemLen
	if query > 0 {
		reqBytes += 1 + query // and the '?' CloudFront leaves out
	} else {
		b = append(b, '-')
	}
	b = append(b, '\t')
	if cookie := sends.cookieLen(o.Sent); cookie > 0 {
		reqBytes += cookieHeaderBytes + cookie
		if l.cookies {
			b = sends.appendCookie(b, o.Sent)
		} else {
			b = append(b, '-')
		}
	} else {
		b = append(b, '-')
	}
	b = append(b, '\t')
	rt := resultType(o)
	b = append(b, rt...)
	b = append(b, '\t')
	l.requestID(seq)
	b = append(b, l.id[:]...)
	b = append(b, '\t')
	b = append(b, l.host...)
	b = append(b, "\thttps\t"...)
	b = strconv.AppendInt(b, int64(reqBytes), 10)
	b = append(b, '\t')
	b = appendSeconds(b, taken)
	b = append(b, "\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\t"...) // x-forwarded-for, ssl-protocol, ssl-cipher
	b = append(b, rt...)
	if o.HTTP3 {
		b = append(b, "\tHTTP/3.0"...)
	} else {
		b = append(b, "\tHTTP/2.0"...)
	}
	b = append(b, "\t-\t-\t"...) // fle-status, fle-encrypted-fields
	// c-port: an ephemeral port (49152–65535, RFC 6335) from the request's hash.
	b = strconv.AppendUint(b, 49152+logMix(l.seed^0x9e3779b97f4a7c15, seq)%16384, 10)
	b = append(b, '\t')
	b = appendSeconds(b, o.ServerTTFB)
	b = append(b, '\t')
	b = append(b, detailedResultType(o, rt)...)
	b = append(b, '\t')
	if int(o.Class) < len(l.ctypes) {
		b = append(b, l.ctypes[o.Class]...)
	} else {
		b = append(b, DefaultContentType...)
	}
	b = append(b, '\t')
	b = strconv.AppendInt(b, size, 10)
	if o.Status == 206 {
		// sc-range-start, sc-range-end: the first and last byte served.
		b = append(b, '\t')
		b = strconv.AppendInt(b, o.RangeStart, 10)
		b = append(b, '\t')
		b = strconv.AppendInt(b, o.RangeEnd-1, 10)
		b = append(b, '\n')
	} else {
		b = append(b, "\t-\t-\n"...)
	}
	l.buf = b
	if len(b) >= flushAt {
		l.write()
	}
}

// requestID fills l.id with x-edge-request-id for the seq'th viewer
// request: 40 pseudo-random bytes (from the seed and seq, so a rerun gives
// the same ids whatever the sampling) in URL-safe base64, the alphabet and
// length of CloudFront's ids ("SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==").
func (l *AccessLog) requestID(seq uint64) {
	for i := 0; i < len(l.idBytes); i += 8 {
		v := logMix(l.seed+uint64(i), seq)
		for j := range 8 {
			l.idBytes[i+j] = byte(v >> (8 * j))
		}
	}
	base64.URLEncoding.Encode(l.id[:], l.idBytes[:])
}
