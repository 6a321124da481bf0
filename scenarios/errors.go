package scenarios

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// errorTTLs turns error_caching_min_ttl's keys, status codes written as
// TOML keys ("404"), into numbers; topology.Config.Validate checks that
// CloudFront caches each code.
func errorTTLs(m map[string]time.Duration, fail func(key, msg string) error) (map[int]time.Duration, error) {
	if len(m) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first bad key, always the same one
	out := map[int]time.Duration{}
	for _, k := range keys {
		d := m[k]
		code, err := strconv.Atoi(k)
		if err != nil {
			return nil, fail("error_caching_min_ttl."+k, fmt.Sprintf("%q is not a status code", k))
		}
		out[code] = d
	}
	return out, nil
}
