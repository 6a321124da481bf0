package cache

import (
	"fmt"
	"strconv"
)

// tinyLFU is TinyLFU admission (Einziger, Friedman & Manes, 2017) in front
// of any eviction policy: a count-min sketch of recent requests, fed by
// Record, and a new object is admitted only if its estimated frequency is
// higher than that of the object the policy would evict for it. It admits
// freely while the policy has room, and always when the policy cannot name
// its victim (is not a Victimer).
type tinyLFU struct{ sk *sketch }

const (
	// tinyLFUDefaultObjects sizes the sketch when the spec gives no
	// "tinylfu:N" (N = objects the cache is expected to hold).
	tinyLFUDefaultObjects = 1 << 16
	// tinyLFUWidth is counters per row per expected object, as in wtinylfu.
	tinyLFUWidth = wtlfuSketchWidth
	// tinyLFUAging halves the sketch every this many requests per expected
	// object (Caffeine's sample size is 10 × the maximum size).
	tinyLFUAging = 10
)

func init() {
	registerAdmission("tinylfu", func(arg string, seed uint64) (Admission, error) {
		n := tinyLFUDefaultObjects
		if arg != "" {
			v, err := strconv.Atoi(arg)
			if err != nil || v <= 0 {
				return nil, fmt.Errorf("admission tinylfu: %q is not a positive object count", arg)
			}
			n = v
		}
		return &tinyLFU{sk: newSketch(tinyLFUWidth*n, tinyLFUAging*int64(n), seed)}, nil
	})
}

func (*tinyLFU) Name() string       { return "tinylfu" }
func (a *tinyLFU) Record(r Request) { a.sk.add(r.ID) }

func (a *tinyLFU) Admit(r Request, p Policy) bool {
	if p.Used()+r.Size <= p.Capacity() {
		return true
	}
	v, ok := p.(Victimer)
	if !ok {
		return true
	}
	victim, ok := v.Victim()
	if !ok {
		return true
	}
	return a.sk.estimate(r.ID) > a.sk.estimate(victim)
}
