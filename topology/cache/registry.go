package cache

import (
	"fmt"
	"sort"
	"strings"
)

// Config parameterises a policy.
type Config struct {
	// Capacity is the limit in bytes, or in objects when the Cache that holds
	// the policy ignores sizes (every object then has Size 1).
	Capacity int64
	// Seed drives every random choice a policy makes (random eviction,
	// sketch hashing): same seed, same evictions.
	Seed uint64
	// ObjectsHint is an estimate of how many objects fit, for sizing tables,
	// sketches and ghost lists up front. 0 means Capacity / 64 KiB, at least
	// 16 (for an object-count capacity that under-estimates, and the tables
	// grow as they fill).
	ObjectsHint int
}

// objects is the policy's estimate of how many objects the capacity holds.
func (c Config) objects() int {
	if c.ObjectsHint > 0 {
		return c.ObjectsHint
	}
	n := c.Capacity / (64 << 10)
	if n < 16 {
		n = 16
	}
	return int(n)
}

type policyCtor func(Config) Policy

// policies is filled by each policy's file in init: the registry is
// read-only once the program runs.
var policies = map[string]policyCtor{}

func registerPolicy(name string, f policyCtor) {
	if _, dup := policies[name]; dup {
		panic("cache: policy registered twice: " + name)
	}
	policies[name] = f
}

// PolicyNames lists the registered eviction policies, sorted.
func PolicyNames() []string {
	names := make([]string, 0, len(policies))
	for n := range policies {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewPolicy builds the eviction policy called name.
func NewPolicy(name string, cfg Config) (Policy, error) {
	f, ok := policies[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown eviction policy %q (have %s)", name, strings.Join(PolicyNames(), ", "))
	}
	if cfg.Capacity <= 0 {
		return nil, fmt.Errorf("policy %s: capacity must be > 0, got %d", name, cfg.Capacity)
	}
	return f(cfg), nil
}
