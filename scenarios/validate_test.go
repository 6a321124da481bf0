package scenarios

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"
)

// tierBase has tier defaults on their own lines, a site that overrides
// some of them, and one that does not.
const tierBase = `name = "t"
[pops]
capacity = "1GB"
policy = "lru"
admission = "always"
sites = [
  { name = "A", lat = 1, lon = 1, region = "r" },
  { name = "B", lat = 2, lon = 2, region = "r", policy = "sieve", capacity = "2GB", admission = "second-hit" },
]
[regions]
capacity = "2GB"
policy = "lru"
sites = [ { name = "r", lat = 1, lon = 2 } ]
` + originO + `[[invalidations]]
at = "30m"
paths = ["/c/*"]
[workload]
duration = "1h"
metros = [ { name = "m", lat = 0, lon = 0, weight = 1 } ]
` + zipfClass

// originO is one origin, "o", behind a default behaviour.
const originO = `[[origins]]
name = "o"
kind = "custom"
[[behaviors]]
path = "*"
origin = "o"
`

// zipfClass is a minimal workload class, the last table of the test
// scenarios.
const zipfClass = `[[workload.classes]]
name = "c"
prefix = "/c/"
size_median = 1000
popularity = "zipf"
objects = 10
alpha = 0.8
rate = 1
`

func TestErrorsNameTheLineWhereTheValueIsWritten(t *testing.T) {
	t.Parallel()
	if _, err := Parse("t.toml", []byte(tierBase), nil); err != nil {
		t.Fatalf("base scenario: %v", err)
	}
	checkEditErrors(t, "t.toml", tierBase, []editCase{
		// A tier default is reported where it is written, not at the first
		// site that inherits it.
		{"tier policy", `policy = "lru"`, `policy = "lur"`, `t.toml:4: pops.policy: unknown eviction policy "lur"`},
		{"tier admission", `admission = "always"`, `admission = "sometimes"`, `t.toml:5: pops.admission: `},
		{"tier capacity", `capacity = "1GB"`, `capacity = "0"`, `t.toml:3: pops.capacity: must be > 0 bytes, got 0`},
		{"region tier policy", "capacity = \"2GB\"\npolicy = \"lru\"", "capacity = \"2GB\"\npolicy = \"nope\"", `t.toml:12: regions.policy: unknown eviction policy "nope"`},
		// A site's own value is the site's.
		{"site policy", `policy = "sieve"`, `policy = "seive"`, `t.toml:8: pops.sites[1].policy: unknown eviction policy "seive"`},
		{"site admission", `admission = "second-hit"`, `admission = "third-hit"`, `t.toml:8: pops.sites[1].admission: `},
		{"outage in [pops] outages", "[regions]", "outages = [ { site = \"A\", start = \"2h\", end = \"1h\" } ]\n[regions]", `t.toml:10: pops.outages[0]: want 0 <= start < end`},
	})
}

func TestEditsBySetAreReportedAsSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ set, want string }{
		{"pops.policy=lur", `--set: pops.policy: unknown eviction policy "lur"`},
		{"regions.admission=nope", `--set: regions.admission: `},
		{"pops.capacity=0", `--set: pops.capacity: must be > 0`},
		{"workload.duration=48", `--set: workload.duration: 48 has no unit: write a string with one, e.g. "48s" or "48h" (units: h, m, s, ms, us, ns)`},
		{"workload.duration=1.5", `--set: workload.duration: 1.5 has no unit`},
		{"workload.duration=48x", `--set: workload.duration: "48x" is not a duration`},
		{"interval=0s", `--set: interval: must be > 0: it is the width of a timeseries row (leave it out for the default, 5m)`},
		{"pops.capacity=lots", `--set: pops.capacity: "lots" is not a size: write e.g. "512MB" or "2GB" (units: B, KB, MB, GB, TB`},
	} {
		for _, name := range []string{"news-spike", "video-vod"} { // listed sites, and the preset
			_, err := Load(name, []string{tc.set})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("%s --set %s: error %v, want it to start with %q", name, tc.set, err, tc.want)
			}
		}
	}
	_, err := Load("news-spike", []string{"workload.spikes[0].at=true"})
	if want := `--set: workload.spikes[0].at: a duration is a string with a unit, e.g. "90s", "5m", "24h", not a boolean`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want it to start with %q", err, want)
	}
}

func TestOneGrammarForDurations(t *testing.T) {
	t.Parallel()
	checkEditErrors(t, "t.toml", tierBase, []editCase{
		{"bare integer", `duration = "1h"`, `duration = 48`, `t.toml:24: workload.duration: 48 has no unit: write a string with one, e.g. "48s" or "48h" (units: h, m, s, ms, us, ns)`},
		{"number in a string", `duration = "1h"`, `duration = "48"`, `t.toml:24: workload.duration: "48" has no unit: write e.g. "48s" or "48h"`},
		{"no such unit", `duration = "1h"`, `duration = "2d"`, `t.toml:24: workload.duration: "2d" is not a duration: write numbers with units`},
		{"in an inline table", `{ name = "A", lat = 1, lon = 1, region = "r" }`, `{ name = "A", lat = 1, lon = 1, region = "r", outages = [ { start = 60, end = "2h" } ] }`, `t.toml:7: pops.sites[0].outages[0].start: 60 has no unit`},
		{"in an array of tables", `at = "30m"`, `at = 1800`, `t.toml:21: invalidations[0].at: 1800 has no unit`},
		{"a pointer field", "path = \"*\"\n", "path = \"*\"\nmax_ttl = 86400\n", `t.toml:19: behaviors[0].max_ttl: 86400 has no unit`},
		{"wrong type", `duration = "1h"`, `duration = [1]`, `t.toml:24: workload.duration: a duration is a string with a unit, e.g. "90s", "5m", "24h", not an array`},
		{"size of the wrong type", `capacity = "1GB"`, `capacity = true`, `t.toml:3: pops.capacity: a size is a number of bytes or a string like "2GB", not a boolean`},
		{"negative size", `capacity = "1GB"`, `capacity = "-1GB"`, `t.toml:3: pops.capacity: size "-1GB" is negative`},
	})
	// The same text means the same in the file and in --set.
	for _, v := range []string{"90m", "1h30m", "5400s"} {
		fromFile, err := Parse("t.toml", []byte(strings.Replace(tierBase, `duration = "1h"`, `duration = "`+v+`"`, 1)), nil)
		if err != nil {
			t.Fatal(err)
		}
		fromSet, err := Parse("t.toml", []byte(tierBase), []string{"workload.duration=" + v})
		if err != nil {
			t.Fatal(err)
		}
		if fromFile.Workload.Duration != 90*time.Minute || fromSet.Workload.Duration != 90*time.Minute {
			t.Errorf("%s: file %v, --set %v, want 1h30m", v, fromFile.Workload.Duration, fromSet.Workload.Duration)
		}
	}
	// Sizes: bytes as a number, or a string with a binary unit.
	for v, want := range map[string]int64{`1073741824`: 1 << 30, `"1GB"`: 1 << 30, `"1.5KB"`: 1536, `"512"`: 512} {
		s, err := Parse("t.toml", []byte(strings.Replace(tierBase, `capacity = "1GB"`, `capacity = `+v, 1)), nil)
		if err != nil {
			t.Fatalf("capacity = %s: %v", v, err)
		}
		if got := s.Topology.POPs[0].Cache.Capacity; got != want {
			t.Errorf("capacity = %s: %d bytes, want %d", v, got, want)
		}
	}
}

func TestZeroThatWouldBecomeTheDefaultIsAnError(t *testing.T) {
	t.Parallel()
	checkEditErrors(t, "t.toml", tierBase, []editCase{
		{"interval", `name = "t"`, "name = \"t\"\ninterval = \"0s\"", `t.toml:2: interval: must be > 0: it is the width of a timeseries row (leave it out for the default, 5m)`},
		{"error TTL", `name = "t"`, "name = \"t\"\nerror_caching_ttl = \"0s\"", `t.toml:2: error_caching_ttl: must be > 0`},
		{"negative idle timeout", `name = "t"`, "name = \"t\"\norigin_idle_timeout = \"-5s\"", `t.toml:2: origin_idle_timeout: must be > 0`},
		{"egress", `kind = "custom"`, "kind = \"custom\"\negress_mbps = 0", `t.toml:17: origins[0].egress_mbps: must be > 0: it is the bandwidth the origin serves at (leave it out for the default, 1000)`},
		{"propagation", `paths = ["/c/*"]`, "paths = [\"/c/*\"]\npropagation = \"0s\"", `t.toml:23: invalidations[0].propagation: must be > 0`},
		{"not a number", `name = "t"`, "name = \"t\"\n[latency]\nroute_inflation = nan", `t.toml:3: latency.route_inflation: must be > 0`},
		{"interval below a second", `name = "t"`, "name = \"t\"\ninterval = \"10ms\"", `t.toml:2: interval: must be at least 1s`},
	})
	// Left out, each takes its default.
	s, err := Parse("t.toml", []byte(tierBase), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Interval != 5*time.Minute {
		t.Errorf("interval %v, want the default 5m", s.Interval)
	}
}

func TestEmptyFileSaysItIsEmpty(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "\n\n", "# only a comment\n   \n# and another\n"} {
		_, err := Parse("e.toml", []byte(src), nil)
		if err == nil || !strings.HasPrefix(err.Error(), "e.toml: the file is empty") {
			t.Errorf("%q: error %v, want it to say the file is empty", src, err)
		}
		if _, err := Parse("e.toml", []byte(src), []string{"workload.duration=1h"}); err == nil || !strings.HasPrefix(err.Error(), "e.toml: the file is empty") {
			t.Errorf("%q with --set: error %v, want it to say the file is empty", src, err)
		}
	}
	// A file with one table is not empty: it is incomplete, and says what
	// is missing.
	if _, err := Parse("e.toml", []byte("[pops]\n"), nil); err == nil || strings.Contains(err.Error(), "empty") {
		t.Errorf("[pops] alone: %v", err)
	}
}

func TestEventsAfterTheEndAreWarnings(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", []string{"workload.duration=6h"})
	if err != nil {
		t.Fatal(err)
	}
	// The lines where the two times are written in the built-in file.
	src, _, err := ReadSource("news-spike")
	if err != nil {
		t.Fatal(err)
	}
	line := func(prefix string) int {
		for i, l := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(l, prefix) {
				return i + 1
			}
		}
		t.Fatalf("news-spike has no line starting %q", prefix)
		return 0
	}
	want := []string{
		fmt.Sprintf("builtin:news-spike:%d: invalidations[0].at: the invalidation at 14h30m0s is at or after the end of the run (workload.duration = 6h0m0s): it does not happen", line(`at = "14h30m"`)),
		fmt.Sprintf("builtin:news-spike:%d: workload.spikes[0].at: the spike at 13h0m0s is at or after the end of the run (workload.duration = 6h0m0s): it does not happen", line(`at = "13h"`)),
	}
	got := s.Warnings
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Moved by --set, the key is reported as --set.
	s, err = Load("news-spike", []string{"invalidations[0].at=30h"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 1 || !strings.HasPrefix(s.Warnings[0], "--set: invalidations[0].at: the invalidation at 30h0m0s") {
		t.Errorf("warnings %v", s.Warnings)
	}
	// At full length, nothing to warn of.
	for _, name := range Builtins() {
		s, err := Load(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Warnings) != 0 {
			t.Errorf("%s: %v", name, s.Warnings)
		}
	}
	// Nor are the markers of events that do not happen drawn.
	s, err = Load("news-spike", []string{"workload.duration=6h"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.NewRun(1)
	if err != nil {
		t.Fatal(err)
	}
	if m := r.Recorder.Summary().Markers; len(m) != 0 {
		t.Errorf("markers of a 6-hour run: %+v, want none (the spike and the invalidation are after its end)", m)
	}
}

func TestScenarioIdentifiesItsText(t *testing.T) {
	t.Parallel()
	a, err := Parse("t.toml", []byte(tierBase), []string{"seed=4"})
	if err != nil {
		t.Fatal(err)
	}
	// sha256sum of the text, as a shell would compute it.
	if a.SHA256 != fmt.Sprintf("%x", sha256.Sum256([]byte(tierBase))) || len(a.SHA256) != 64 {
		t.Errorf("SHA256 %s", a.SHA256)
	}
	if len(a.Overrides) != 1 || a.Overrides[0] != "seed=4" {
		t.Errorf("overrides %v", a.Overrides)
	}
	b, err := Parse("t.toml", []byte(tierBase+"# a comment\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.SHA256 == b.SHA256 {
		t.Error("two texts have one hash")
	}
}
