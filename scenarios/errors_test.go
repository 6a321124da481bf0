package scenarios

import (
	"strings"
	"testing"
	"time"
)

// tinySites and tinyWorkload are one POP, one region, one metro and one
// class, for scenarios that test other keys.
const tinySites = `[pops]
capacity = "1GB"
sites = [ { name = "A", lat = 1, lon = 1, region = "r" } ]
[regions]
capacity = "2GB"
sites = [ { name = "r", lat = 1, lon = 2 } ]
`

const tinyWorkload = `[workload]
duration = "1h"
metros = [ { name = "m", lat = 0, lon = 0, weight = 1 } ]
[[workload.classes]]
name = "c"
prefix = "/c/"
size_median = 1000
popularity = "zipf"
objects = 10
alpha = 0.8
rate = 1
`

const errorsSrc = `name = "errs"
error_caching_min_ttl = { 404 = "5m", 503 = "1s" }
` + tinySites + `[[origins]]
name = "o"
kind = "s3"
[[behaviors]]
path = "*"
origin = "o"
` + tinyWorkload + `origin_errors = [ { status = 404, share = 0.02 }, { status = 403, share = 0.01 } ]
`

func TestErrorKeys(t *testing.T) {
	t.Parallel()
	s, err := Parse("errs.toml", []byte(errorsSrc), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Topology
	if c.ErrorTTLs[404] != 5*time.Minute || c.ErrorTTLs[503] != time.Second || len(c.ErrorTTLs) != 2 {
		t.Errorf("error TTLs %v", c.ErrorTTLs)
	}
	if e := c.Classes[0].Errors; len(e) != 2 || e[0].Status != 404 || e[0].Share != 0.02 || e[1].Status != 403 {
		t.Errorf("class errors %+v", e)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`404 = "5m"`, `416 = "5m"`, `errs.toml:2: error_caching_min_ttl.416: CloudFront does not cache 416 responses`},
		{`404 = "5m"`, `499 = "5m"`, `errs.toml:2: error_caching_min_ttl.499: unknown status code 499`},
		{`404 = "5m"`, `x = "5m"`, `errs.toml:2: error_caching_min_ttl.x: "x" is not a status code`},
		{`status = 403`, `status = 302`, `errs.toml:26: workload.classes[0].origin_errors[1].status: unknown status code 302`},
		{`share = 0.02`, `share = 0`, `errs.toml:26: workload.classes[0].origin_errors[0].share: must be in (0, 1]`},
	} {
		_, err := Parse("errs.toml", []byte(strings.Replace(errorsSrc, tc.from, tc.to, 1)), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.to, err, tc.want)
		}
	}
	// --set reaches both.
	s, err = Parse("errs.toml", []byte(errorsSrc), []string{`error_caching_min_ttl.404=1m`, `workload.classes[0].origin_errors[0].share=0.5`})
	if err != nil {
		t.Fatal(err)
	}
	if s.Topology.ErrorTTLs[404] != time.Minute || s.Topology.Classes[0].Errors[0].Share != 0.5 {
		t.Errorf("--set: TTLs %v, errors %+v", s.Topology.ErrorTTLs, s.Topology.Classes[0].Errors)
	}
}

const groupsSrc = `name = "groups"
` + tinySites + `[[origins]]
name = "web"
kind = "custom"
connection_attempts = 2
connect_timeout = "4s"
response_timeout = "20s"
[[origins]]
name = "backup"
kind = "s3"
[[origin_groups]]
name = "site"
primary = "web"
secondary = "backup"
failover_on = [500, 502, 503, 504, 404]
[[behaviors]]
path = "*"
origin = "site"
` + tinyWorkload

func TestOriginGroupKeys(t *testing.T) {
	t.Parallel()
	s, err := Parse("groups.toml", []byte(groupsSrc), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Topology
	if o := c.Origins[0]; o.ConnectionAttempts != 2 || o.ConnectTimeout != 4*time.Second || o.ResponseTimeout != 20*time.Second {
		t.Errorf("origin connection settings %+v", o)
	}
	if g := c.OriginGroups; len(g) != 1 || g[0].Name != "site" || g[0].Primary != "web" || g[0].Secondary != "backup" || len(g[0].FailoverOn) != 5 {
		t.Errorf("origin groups %+v", g)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`primary = "web"`, `primary = "wbe"`, `groups.toml:19: origin_groups[0].primary: names no origin: "wbe"`},
		{`secondary = "backup"`, `secondary = "site"`, `groups.toml:20: origin_groups[0].secondary: the group names itself`},
		{`404]`, `418]`, `groups.toml:21: origin_groups[0].failover_on: unknown status code 418`},
		{`origin = "site"`, `origin = "sit"`, `groups.toml:24: behaviors[0].origin: names no origin or origin group: "sit"`},
		{`connection_attempts = 2`, `connection_attempts = 5`, `groups.toml:11: origins[0].connection_attempts: must be 1 to 3`},
	} {
		_, err := Parse("groups.toml", []byte(strings.Replace(groupsSrc, tc.from, tc.to, 1)), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.to, err, tc.want)
		}
	}
}
