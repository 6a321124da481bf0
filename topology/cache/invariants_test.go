package cache

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// invariantChecker is implemented (in test files) by policies that can walk
// their own structures and cross-check links, counts, byte totals and index
// membership. checkOps calls it after every operation.
type invariantChecker interface {
	check() error
}

// stater renders a policy's whole state as a string for table tests.
type stater interface {
	state() string
}

// opKind is one operation of a random op sequence.
type opKind uint8

const (
	opAccess opKind = iota // Lookup, and Admit on a miss
	opRemove               // invalidation
	opVictim               // Victim, when the policy is a Victimer
	numOpKinds
)

type op struct {
	kind opKind
	id   ObjectID
	next int64 // Request.Next for belady
}

// opSize gives object id its size in byte-mode op sequences: mostly small,
// some near the capacity, and id%17 == 16 larger than any capacity used.
func opSize(id ObjectID, bytes bool, capacity int64) int64 {
	if !bytes {
		return 1
	}
	if id%17 == 16 {
		return capacity + 1 + int64(id%5)
	}
	return 1 + int64((id*2654435761)>>7)%(capacity/3+1)
}

// checkOps replays ops on p, checking after every operation that p agrees
// with a model of which objects are cached and that p.check() passes (if p
// has it). It returns the first violation.
func checkOps(p Policy, ops []op, bytes bool) error {
	ic, _ := p.(invariantChecker)
	model := map[ObjectID]bool{}
	sizes := map[ObjectID]int64{}
	var victims []ObjectID
	capacity := p.Capacity()
	for step, o := range ops {
		size := opSize(o.id, bytes, capacity)
		sizes[o.id] = size
		r := Request{ID: o.id, Size: size, Time: int64(step), Next: o.next}
		where := func(format string, a ...any) error {
			return fmt.Errorf("step %d (%v %d size %d): %s", step, o.kind, o.id, size, fmt.Sprintf(format, a...))
		}
		switch o.kind {
		case opAccess:
			hit := p.Lookup(r)
			if hit != model[o.id] {
				return where("Lookup = %v, model says cached = %v", hit, model[o.id])
			}
			if hit {
				break
			}
			var ok bool
			victims, ok = p.Admit(r, victims[:0])
			if !ok && len(victims) > 0 {
				return where("Admit declined yet evicted %v", victims)
			}
			if size > capacity && ok {
				return where("admitted an object larger than the capacity %d", capacity)
			}
			for _, v := range victims {
				if !model[v] {
					return where("victim %d was not cached", v)
				}
				if p.Contains(v) {
					return where("victim %d still contained", v)
				}
				delete(model, v)
			}
			if ok {
				if !p.Contains(o.id) {
					return where("admitted but not contained")
				}
				model[o.id] = true
			} else if p.Contains(o.id) {
				return where("declined but contained")
			}
		case opRemove:
			removed := p.Remove(o.id)
			if removed != model[o.id] {
				return where("Remove = %v, model says cached = %v", removed, model[o.id])
			}
			if p.Contains(o.id) {
				return where("still contained after Remove")
			}
			delete(model, o.id)
		case opVictim:
			vp, ok := p.(Victimer)
			if !ok {
				break
			}
			v, has := vp.Victim()
			if has != (len(model) > 0) {
				return where("Victim has = %v with %d cached", has, len(model))
			}
			if has && !model[v] {
				return where("Victim %d is not cached", v)
			}
		}
		var used int64
		for id := range model {
			used += sizes[id]
			if !p.Contains(id) {
				return where("cached %d not contained", id)
			}
		}
		if p.Len() != len(model) {
			return where("Len = %d, model has %d", p.Len(), len(model))
		}
		if p.Used() != used || p.Used() > capacity {
			return where("Used = %d, model %d, capacity %d", p.Used(), used, capacity)
		}
		if ic != nil {
			if err := ic.check(); err != nil {
				return where("check: %v", err)
			}
		}
	}
	return nil
}

func (k opKind) String() string {
	return [...]string{"access", "remove", "victim", "?"}[min(k, numOpKinds)]
}

// randomOps draws n ops over ids [0, nids): mostly accesses, with removals
// and Victim calls mixed in; Next is a random future step or Never.
func randomOps(rng *rand.Rand, n, nids int) []op {
	ops := make([]op, n)
	for i := range ops {
		k := opAccess
		switch x := rng.IntN(10); {
		case x == 0:
			k = opRemove
		case x == 1:
			k = opVictim
		}
		next := Never
		if rng.IntN(4) > 0 {
			next = int64(i + 1 + rng.IntN(3*nids))
		}
		ops[i] = op{kind: k, id: ObjectID(rng.IntN(nids)), next: next}
	}
	return ops
}

// TestInvariants runs every registered policy through random op sequences
// in object and byte mode, checking the policy's own invariants after each
// operation. A policy without check() fails: every policy must have one.
func TestInvariants(t *testing.T) {
	t.Parallel()
	for _, name := range PolicyNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				bytes    bool
				capacity int64
			}{{false, 1}, {false, 7}, {false, 50}, {true, 1}, {true, 100}, {true, 5000}} {
				p, err := NewPolicy(name, Config{Capacity: tc.capacity, Seed: 7, ObjectsHint: 16})
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := p.(invariantChecker); !ok {
					t.Fatalf("%s has no check() method (write one in its _test.go file)", name)
				}
				rng := rand.New(rand.NewPCG(uint64(tc.capacity), 3))
				if err := checkOps(p, randomOps(rng, 4000, 120), tc.bytes); err != nil {
					t.Fatalf("bytes=%v capacity=%d: %v", tc.bytes, tc.capacity, err)
				}
			}
		})
	}
}

// notVictimers are the policies that cannot name their next victim, and
// why; every other policy must be a Victimer.
var notVictimers = map[string]string{
	"lhd":          "samples its victim at random when it evicts",
	"wtinylfu":     "its eviction depends on the window candidate's contest with main's victim",
	"wtinylfu-cbf": "its eviction depends on the window candidate's contest with main's victim",
}

// TestPoliciesHaveTestHooks makes sure every registered policy has the
// test hooks (check, state, memBytes, and Victim unless it is one of the
// notVictimers).
func TestPoliciesHaveTestHooks(t *testing.T) {
	t.Parallel()
	registered := map[string]bool{}
	for _, name := range PolicyNames() {
		registered[name] = true
		p, err := NewPolicy(name, Config{Capacity: 10})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.(invariantChecker); !ok {
			t.Errorf("%s has no check()", name)
		}
		if _, ok := p.(stater); !ok {
			t.Errorf("%s has no state()", name)
		}
		if _, ok := p.(Victimer); ok != (notVictimers[name] == "") {
			t.Errorf("%s: Victimer %v, but notVictimers says %q", name, ok, notVictimers[name])
		}
		if _, ok := p.(interface{ memBytes() int64 }); !ok {
			t.Errorf("%s has no memBytes()", name)
		}
	}
	for name := range notVictimers {
		if !registered[name] {
			t.Errorf("notVictimers lists %s, which is not registered", name)
		}
	}
}
