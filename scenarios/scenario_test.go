package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBuiltinNewsSpikeLoads(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "news-spike" || len(s.Topology.POPs) < 30 || len(s.Topology.Regions) < 8 || s.Workload.Duration.Hours() < 24 {
		t.Fatalf("news-spike: %d POPs, %d regions, %v; want >= 30, >= 8, >= 24h", len(s.Topology.POPs), len(s.Topology.Regions), s.Workload.Duration)
	}
	if n := s.Workload.ExpectedRequests(); n < 5e6 {
		t.Fatalf("news-spike expects %.0f requests, want >= 5M", n)
	}
}

// tinyScenario is a valid scenario of one POP, region, origin, metro and
// class, for tests to edit into bad ones.
const tinyScenario = `name = "t"
[pops]
capacity = "1GB"
sites = [
  { name = "A", lat = 1, lon = 1, region = "r" },
]
[regions]
capacity = "2GB"
sites = [ { name = "r", lat = 1, lon = 2 } ]
` + originO + `[workload]
duration = "1h"
metros = [ { name = "m", lat = 0, lon = 0, weight = 1 } ]
` + zipfClass

func TestBadInputNamesFileLineAndKey(t *testing.T) {
	t.Parallel()
	base := tinyScenario
	if _, err := Parse("t.toml", []byte(base), nil); err != nil {
		t.Fatalf("base scenario: %v", err)
	}
	checkEditErrors(t, "t.toml", base, []editCase{
		{"unknown key", `kind = "custom"`, "kind = \"custom\"\ncolour = \"red\"", "t.toml:13: origins.colour: unknown key"},
		{"bad type", `objects = 10`, `objects = "ten"`, `t.toml:24: workload.classes[0].objects: must be a whole number >= 0, not a string ("ten")`},
		{"negative capacity", `capacity = "1GB"`, `capacity = -5`, "t.toml:3: pops.capacity: size -5 is negative"},
		{"zero capacity", `capacity = "1GB"`, `capacity = 0`, "t.toml:3: pops.capacity: must be > 0"},
		{"behaviour with no origin", "origin = \"o\"\n[workload]", "[workload]", "t.toml:13: behaviors[0].origin: names no origin"},
		{"region with no POP", `sites = [ { name = "r", lat = 1, lon = 2 } ]`, `sites = [ { name = "r", lat = 1, lon = 2 }, { name = "lonely", lat = 3, lon = 3 } ]`, `t.toml:9: regions.sites[1]: region "lonely" has no POP`},
		{"workload value", `alpha = 0.8`, `alpha = -1`, "t.toml:25: workload.classes[0].alpha: must be > 0"},
		{"syntax", `kind = "custom"`, `kind = "custom`, "t.toml:12"},
		{"bad duration", `duration = "1h"`, `duration = "1 fortnight"`, `t.toml:17: workload.duration: "1 fortnight" is not a duration: write numbers with units, e.g. "90s", "5m", "1h30m" (units: h, m, s, ms, us, ns)`},
	})
}

// editCase edits a valid scenario (the first from → to) into a bad one
// whose error must contain want.
type editCase struct{ name, from, to, want string }

// checkEditErrors parses each edit of base as file and checks that it fails
// with a *Error whose text contains the case's want.
func checkEditErrors(t *testing.T, file, base string, cases []editCase) {
	t.Helper()
	for _, tc := range cases {
		src := strings.Replace(base, tc.from, tc.to, 1)
		if src == base {
			t.Fatalf("%s: replacement did not apply", tc.name)
		}
		_, err := Parse(file, []byte(src), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("%s: error is a %T, want *scenarios.Error", tc.name, err)
		}
	}
}

func TestSetOverrides(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", []string{"pops.capacity=2GB", "regions.sites[0].capacity=100GB", "seed=7", "workload.classes[0].alpha=1.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Topology.POPs[5].Cache.Capacity; got != 2<<30 {
		t.Errorf("pops.capacity=2GB: POP capacity %d", got)
	}
	if got := s.Topology.Regions[0].Cache.Capacity; got != 100<<30 {
		t.Errorf("regions.sites[0].capacity: %d", got)
	}
	if s.Seed != 7 || s.Workload.Classes[0].Alpha != 1.1 {
		t.Errorf("seed %d alpha %v", s.Seed, s.Workload.Classes[0].Alpha)
	}
	for _, tc := range []struct{ set, want string }{
		{"pops.capacity=-1GB", "--set: pops.capacity"},
		{"pops.sites[99].capacity=1GB", "--set: pops.sites[99].capacity: sites[99]: no element 99"},
		{"nonsense", "--set: nonsense: want key=value"},
		{"pops.colour=red", "pops.colour: unknown key"},
	} {
		_, err := Load("news-spike", []string{tc.set})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--set %s: error %v, want %q", tc.set, err, tc.want)
		}
	}
}

func TestLoadUnknown(t *testing.T) {
	t.Parallel()
	_, err := Load("no-such-scenario", nil)
	if err == nil || !strings.Contains(err.Error(), "built-in: cloudfront-day, news-spike") {
		t.Fatalf("error %v should list the built-in scenarios", err)
	}
}

func TestCloudFrontBehaviourKeys(t *testing.T) {
	t.Parallel()
	src := `name = "keys"
error_caching_ttl = "30s"
connect_timeout = "5s"
[dns]
ttl = "30s"
public_share = 0.1
public_resolver = { lat = 39.0, lon = -77.5 }
[pops]
capacity = "1GB"
sites = [ { name = "A", lat = 1, lon = 1, region = "r", outages = [ { start = "1h", end = "2h" } ] } ]
[regions]
capacity = "2GB"
sites = [ { name = "r", lat = 1, lon = 2 } ]
[[origins]]
name = "o"
kind = "s3"
bypass_regional = true
max_connections = 8
concurrency = 100
error_rate = 0.01
shield = "r"
outages = [ { start = "3h", end = "3h30m" } ]
[[behaviors]]
path = "/api/*"
origin = "o"
dynamic = true
[[behaviors]]
path = "*"
origin = "o"
update_interval = "10m"
[[invalidations]]
at = "2h"
paths = ["/c/*", "/c/1"]
propagation = "3s"
[workload]
duration = "4h"
metros = [ { name = "m", lat = 0, lon = 0, weight = 1 } ]
` + zipfClass + `expires = "2h"
dynamic_share = 0.1
`
	s, err := Parse("keys.toml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Topology
	o := c.Origins[0]
	if !o.BypassRegional || o.MaxConnections != 8 || o.Concurrency != 100 || o.ErrorRate != 0.01 || o.Shield != "r" ||
		len(o.Outages) != 1 || o.Outages[0].End != 210*time.Minute {
		t.Errorf("origin: %+v", o)
	}
	if !c.Behaviors[0].Dynamic || c.Behaviors[1].UpdateInterval != 10*time.Minute {
		t.Errorf("behaviors: %+v", c.Behaviors)
	}
	if len(c.Invalidations) != 1 || c.Invalidations[0].At != 2*time.Hour || len(c.Invalidations[0].Paths) != 2 || c.Invalidations[0].Propagation != 3*time.Second {
		t.Errorf("invalidations: %+v", c.Invalidations)
	}
	if c.DNS.TTL != 30*time.Second || c.DNS.PublicShare != 0.1 || c.DNS.PublicLat != 39 || len(c.POPs[0].Outages) != 1 {
		t.Errorf("dns %+v, POP outages %+v", c.DNS, c.POPs[0].Outages)
	}
	if cl := c.Classes[0]; cl.Expires == nil || *cl.Expires != 2*time.Hour || s.Workload.Classes[0].DynamicShare != 0.1 {
		t.Errorf("class expires %v, dynamic_share %v", cl.Expires, s.Workload.Classes[0].DynamicShare)
	}
	if c.ErrorTTL != 30*time.Second || c.ConnectTimeout != 5*time.Second {
		t.Errorf("error TTL %v, connect timeout %v", c.ErrorTTL, c.ConnectTimeout)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`shield = "r"`, `shield = "nowhere"`, `keys.toml:21: origins[0].shield: names no region: "nowhere"`},
		{`error_rate = 0.01`, `error_rate = 2`, `keys.toml:20: origins[0].error_rate: must be in [0, 1]`},
		{`paths = ["/c/*", "/c/1"]`, `paths = ["c/*"]`, `keys.toml:33: invalidations[0].paths[0]: "c/*" must start with /`},
		{`public_share = 0.1`, `public_share = 1.5`, `keys.toml:6: dns.public_share: must be in [0, 1]`},
	} {
		_, err := Parse("keys.toml", []byte(strings.Replace(src, tc.from, tc.to, 1)), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.to, err, tc.want)
		}
	}
}

func TestBuiltinNameBeatsADirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "news-spike"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	s, err := Load("news-spike", nil)
	if err != nil || s.Source != "builtin:news-spike" {
		t.Fatalf("Load(news-spike) beside a news-spike/ directory: %v, source %v", err, s)
	}
	if _, err := Load("scenarios/steady-web.toml", nil); err != nil {
		t.Fatalf("scenarios/steady-web.toml outside the repository should be the embedded copy: %v", err)
	}
	if _, err := Load("nope/x.toml", nil); err == nil || !strings.Contains(err.Error(), "nope/x.toml: cannot read scenario") {
		t.Fatalf("missing path: %v", err)
	}
}
