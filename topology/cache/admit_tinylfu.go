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
//
// "tinylfu:N" sizes the sketch once for N cached objects. Plain "tinylfu"
// sizes it for the objects the policy holds: it starts small and, when
// they outgrow it, is replaced by one twice as wide, forgetting the counts
// (see fitSketch).
type tinyLFU struct {
	sk    *sketch
	fixed bool // sized by the spec: never replaced
	seed  uint64
}

func init() {
	registerAdmission("tinylfu", func(arg string, seed uint64) (Admission, error) {
		if arg == "" {
			return &tinyLFU{sk: sketchFor(sketchMinObjects, seed), seed: seed}, nil
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("admission tinylfu: %q is not a positive object count", arg)
		}
		return &tinyLFU{sk: sketchFor(n, seed), fixed: true, seed: seed}, nil
	})
}

func (*tinyLFU) Name() string       { return "tinylfu" }
func (a *tinyLFU) Record(r Request) { a.sk.add(r.ID) }

func (a *tinyLFU) Admit(r Request, p Policy) bool {
	// Admission is the only moment the policy's population can have grown.
	if !a.fixed {
		a.sk = fitSketch(a.sk, p.Len()+1, a.seed)
	}
	if r.Size <= p.Capacity()-p.Used() {
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
