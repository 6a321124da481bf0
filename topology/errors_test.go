package topology

import (
	"math"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// TestMissingObjectsAreCachedForTheirStatusTTL: an origin that answers
// every object of a class with a 404, whose Error Caching Minimum TTL is
// 60 s, is asked once a minute, not once a second; every answer is an
// Error with the 404 and an error page, at both tiers.
func TestMissingObjectsAreCachedForTheirStatusTTL(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes[0].Errors = []ErrorShare{{Status: 404, Share: 1}}
	cfg.ErrorTTLs = map[int]time.Duration{404: time.Minute}
	var reqs []workload.Request
	for i := range 130 { // one request a second
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Second, Object: 5, Size: 1000})
	}
	_, obs := run(t, cfg, reqs)
	var fetches []sim.Time
	for _, o := range obs.outs {
		if o.Status != 404 || o.Edge != Error || o.Size != errorBodyBytes {
			t.Fatalf("request at %v: status %d, edge %v, %d bytes; want 404, Error, %d", o.Time, o.Status, o.Edge, o.Size, errorBodyBytes)
		}
		if o.ToOrigin() {
			fetches = append(fetches, o.Time)
			if o.Regional != Error || o.FlowBytes[RegionalOrigin] != errorBodyBytes {
				t.Fatalf("origin fetch at %v: regional %v, %d bytes; want Error and an error page", o.Time, o.Regional, o.FlowBytes[RegionalOrigin])
			}
		}
	}
	// The first 404 lands at the POP a little after 0 s and is kept for
	// 60 s; the request at 61 s goes upstream, the regional cache's copy
	// (landed earlier) has expired too: the origin again; then at 122 s.
	if len(fetches) != 3 || fetches[1] != 61*sim.Second || fetches[2] != 122*sim.Second {
		t.Fatalf("origin fetches at %v; want 0s, 61s, 122s (a 404 cached 60 s)", fetches)
	}
	// The default TTL (10 s) still holds for other codes: the same run with
	// no per-code TTL goes to the origin every 11 s.
	cfg.ErrorTTLs = nil
	_, obs = run(t, cfg, reqs)
	n := 0
	for _, o := range obs.outs {
		if o.ToOrigin() {
			n++
		}
	}
	if n != 12 { // 0, 11, 22, ..., 121
		t.Fatalf("%d origin fetches in 130 s with the default 10 s error TTL, want 12", n)
	}
}

// TestMissingIsPerObject: the error shares are drawn per object (and
// version), so the share of objects that are missing matches the
// configured one, and every request for a missing object, from any
// metro, gets the same status.
func TestMissingIsPerObject(t *testing.T) {
	t.Parallel()
	cfg := grid()
	cfg.Classes[0].Errors = []ErrorShare{{Status: 404, Share: 0.3}, {Status: 403, Share: 0.1}}
	const objects = 4000
	var reqs []workload.Request
	for i := range objects {
		// Each object twice, from two metros in different regions.
		at := sim.Time(i) * sim.Millisecond
		reqs = append(reqs, workload.Request{Time: at, Object: uint64(i), Size: 100, Metro: 0},
			workload.Request{Time: at + 500*sim.Microsecond, Object: uint64(i), Size: 100, Metro: 1})
	}
	_, obs := run(t, cfg, reqs)
	count := map[uint16]int{}
	for i := 0; i < len(obs.outs); i += 2 {
		a, b := obs.outs[i], obs.outs[i+1]
		if a.Status != b.Status {
			t.Fatalf("object %d: status %d from one metro, %d from the other", a.Object, a.Status, b.Status)
		}
		count[a.Status]++
	}
	// Binomial: sd of a share p over 4000 objects <= 0.008; allow 4 sd.
	for st, p := range map[uint16]float64{404: 0.3, 403: 0.1, 200: 0.6} {
		if got := float64(count[st]) / objects; math.Abs(got-p) > 0.032 {
			t.Errorf("status %d for %.3f of the objects, want %.2f", st, got, p)
		}
	}
}

// TestStaleIfErrorDoesNotHideA404: a stale copy stands in for a 5xx
// (stale-if-error) but not for a 404: the origin has said the object is
// gone. The object exists in version 0 and is missing
// at 2 h (the draw is per version; the test finds such an object).
func TestStaleIfErrorDoesNotHideA404(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes[0].CacheControl = "max-age=60, stale-if-error=3600"
	cfg.Classes[0].Errors = []ErrorShare{{Status: 404, Share: 0.5}}
	cfg.Behaviors[0].UpdateInterval = time.Hour
	n, err := New(cfg, &sliceSource{}, &tally{})
	if err != nil {
		t.Fatal(err)
	}
	route := &n.routes[0]
	obj := uint64(0)
	for ; obj < 1000; obj++ {
		if n.missing(route, obj, 0) == 0 && n.missing(route, obj, 2*sim.Hour) == 404 {
			break
		}
	}
	if obj == 1000 {
		t.Fatal("no object exists in its first version and is missing at 2 h")
	}
	// At 2 h the copies are stale (max-age 60) and the origin has a newer
	// version, which is missing.
	reqs := []workload.Request{{Time: 0, Object: obj, Size: 1000}, {Time: 2 * sim.Hour, Object: obj, Size: 1000}}
	_, obs := run(t, cfg, reqs)
	if o := obs.outs[0]; o.Status != 200 {
		t.Fatalf("first version: status %d, want 200", o.Status)
	}
	if o := obs.outs[1]; o.Status != 404 || o.StaleServed || o.Edge != Error {
		t.Fatalf("missing version with a stale copy: status %d, stale served %v, edge %v; want the 404 passed on as an Error", o.Status, o.StaleServed, o.Edge)
	}
}

// keyCase is a change to a valid Config and the key Validate must name.
type keyCase struct {
	name string
	mut  func(*Config)
	key  string
}

// checkValidateKeys applies each case to a fresh base() and checks that
// Validate names the case's key; base() itself must be valid.
func checkValidateKeys(t *testing.T, base func() Config, cases []keyCase) {
	t.Helper()
	for _, tc := range cases {
		cfg := base()
		tc.mut(&cfg)
		err := cfg.Validate()
		fe, ok := err.(*FieldError)
		if !ok || fe.Key != tc.key {
			t.Errorf("%s: Validate() = %v, want an error for key %s", tc.name, err, tc.key)
		}
	}
	cfg := base()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
}

func TestValidateErrorStatuses(t *testing.T) {
	t.Parallel()
	checkValidateKeys(t, line, []keyCase{
		{"416 is never cached", func(c *Config) { c.ErrorTTLs = map[int]time.Duration{416: time.Second} }, "error_caching_min_ttl.416"},
		{"unknown TTL code", func(c *Config) { c.ErrorTTLs = map[int]time.Duration{299: time.Second} }, "error_caching_min_ttl.299"},
		{"unknown error status", func(c *Config) { c.Classes[0].Errors = []ErrorShare{{Status: 420, Share: 0.1}} }, "workload.classes[0].origin_errors[0].status"},
		{"share above 1", func(c *Config) { c.Classes[0].Errors = []ErrorShare{{Status: 404, Share: 1.5}} }, "workload.classes[0].origin_errors[0].share"},
		{"shares sum above 1", func(c *Config) {
			c.Classes[0].Errors = []ErrorShare{{Status: 404, Share: 0.6}, {Status: 403, Share: 0.6}}
		}, "workload.classes[0].origin_errors"},
	})
}

// TestCachedErrorsAreForgotten: a node keeps a cached error only until its
// TTL runs out. With a 404 for every object and a new object each second
// for 10 minutes, run a minute at a time, each node holds at the end only
// the errors of the last minute and the TTL (10 s) at most, not all 600;
// and the outcomes are those of the same run in one step, which forgets
// nothing until its end.
func TestCachedErrorsAreForgotten(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes[0].Errors = []ErrorShare{{Status: 404, Share: 1}}
	var reqs []workload.Request
	for i := range 600 {
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Second, Object: uint64(i), Size: 1000})
	}
	var stepped tally
	n, err := New(cfg, &sliceSource{reqs: reqs}, &stepped)
	if err != nil {
		t.Fatal(err)
	}
	n.Run(11*sim.Minute, sim.Minute, nil)
	for _, group := range [][]cacheNode{n.pops, n.regions} {
		for i := range group {
			if got := group[i].errors.len(); got > 70 {
				t.Errorf("a node holds %d cached errors after 11 minutes, want at most 70 (the last minute's and the 10 s TTL's)", got)
			}
		}
	}
	_, whole := run(t, cfg, reqs)
	if len(stepped.outs) != len(whole.outs) {
		t.Fatalf("%d outcomes run a minute at a time, %d in one step", len(stepped.outs), len(whole.outs))
	}
	for i := range whole.outs {
		if stepped.outs[i] != whole.outs[i] {
			t.Fatalf("outcome %d differs: %+v run a minute at a time, %+v in one step", i, stepped.outs[i], whole.outs[i])
		}
	}
}
