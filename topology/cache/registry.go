package cache

import (
	"fmt"
	"sort"
	"strings"
)

// Config parameterises a policy.
//
// Memory follows the objects a cache holds, never its capacity: tables
// (index, per-entry state, the Cache's metadata) start small and double as
// objects are inserted, and the frequency sketches and filters whose size
// is part of a policy's behaviour grow with the cached objects (each
// policy says how). A 10 TB cache that holds a thousand objects costs what
// a thousand objects cost. Nothing shrinks: a cache keeps the tables of
// the most objects (and ghost entries) it has held, as Caffeine keeps its
// sketch. A simulated cache fills and stays full, so shrinking would only
// add copying; the index recycles entry numbers, so the per-entry slices
// stop at the peak.
type Config struct {
	// Capacity is the limit in bytes, or in objects when the Cache that holds
	// the policy ignores sizes (every object then has Size 1). Any value up
	// to math.MaxInt64 is valid.
	Capacity int64
	// Seed drives every random choice a policy makes (random eviction,
	// sketch hashing): same seed, same evictions.
	Seed uint64
	// ObjectsHint is the caller's estimate of how many objects the cache
	// will hold (replay knows its trace), for the structures whose size
	// shapes a policy's decisions: wtinylfu's sketch starts that wide
	// instead of growing from a small one (each growth forgets the counts),
	// wtinylfu-cbf's filter is sized from it, and LHD starts its age
	// coarsening there. A hint counts as at most maxHintObjects; tables
	// never reserve from it. 0: no estimate.
	ObjectsHint int
}

// maxHintObjects bounds what an ObjectsHint may allocate up front (a 64 MB
// wtinylfu sketch); the structures still grow past it with the cached
// objects.
const maxHintObjects = 1 << 22

// hint is ObjectsHint, at most maxHintObjects; 0 for none.
func (c Config) hint() int { return min(max(c.ObjectsHint, 0), maxHintObjects) }

// objects is LHD's estimate of how many objects the capacity holds, for
// its initial age coarsening (a model parameter, no memory): the hint, else
// Capacity / 64 KiB, at least 16, at most 2^40.
func (c Config) objects() int {
	if c.ObjectsHint > 0 {
		return c.ObjectsHint
	}
	return int(min(max(c.Capacity/(64<<10), 16), 1<<40))
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
