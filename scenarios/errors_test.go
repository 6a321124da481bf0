package scenarios

import (
	"strings"
	"testing"
	"time"
)

const errorsSrc = `name = "errs"
error_caching_min_ttl = { 404 = "5m", 503 = "1s" }
[pops]
capacity = "1GB"
sites = [ { name = "A", lat = 1, lon = 1, region = "r" } ]
[regions]
capacity = "2GB"
sites = [ { name = "r", lat = 1, lon = 2 } ]
[[origins]]
name = "o"
kind = "s3"
[[behaviors]]
path = "*"
origin = "o"
[workload]
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
origin_errors = [ { status = 404, share = 0.02 }, { status = 403, share = 0.01 } ]
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
