package topology

import (
	"math/rand/v2"
	"testing"
)

// TestKeyTableHandCases: a key put is found with its value, a second put
// overwrites it, take removes it once, and a missing key is reported.
func TestKeyTableHandCases(t *testing.T) {
	var kt keyTable[int]
	if _, ok := kt.get(7); ok {
		t.Fatal("empty table holds 7")
	}
	kt.put(7, 70)
	kt.put(0, 1) // key 0 is a key like any other
	kt.put(7, 71)
	if v, ok := kt.get(7); !ok || v != 71 {
		t.Fatalf("get(7) = %d, %v; want 71, true", v, ok)
	}
	if v, ok := kt.get(0); !ok || v != 1 {
		t.Fatalf("get(0) = %d, %v; want 1, true", v, ok)
	}
	if kt.len() != 2 {
		t.Fatalf("len = %d, want 2", kt.len())
	}
	if v, ok := kt.take(7); !ok || v != 71 {
		t.Fatalf("take(7) = %d, %v; want 71, true", v, ok)
	}
	if _, ok := kt.take(7); ok {
		t.Fatal("took 7 twice")
	}
	if kt.len() != 1 {
		t.Fatalf("len = %d, want 1", kt.len())
	}
}

// TestKeyTableCollidingRun fills one probe run that wraps round the end
// of the table with keys of the same home slot, removes from its middle,
// and finds every other key still: the backward shift keeps each entry in
// the run from its home.
func TestKeyTableCollidingRun(t *testing.T) {
	var kt keyTable[uint64]
	kt.grow() // 16 slots
	last := len(kt.slots) - 1
	var same []uint64
	for k := uint64(0); len(same) < 5; k++ {
		if kt.home(k) == last-1 {
			same = append(same, k)
		}
	}
	for _, k := range same {
		kt.put(k, k*10) // slots last-1, last, 0, 1, 2
	}
	if len(kt.slots) != minKeySlots {
		t.Fatalf("table grew to %d slots with 5 keys", len(kt.slots))
	}
	if !kt.slots[0].used || !kt.slots[2].used || kt.slots[3].used {
		t.Fatalf("run does not wrap as planned: slots 0..3 used %v %v %v %v",
			kt.slots[0].used, kt.slots[1].used, kt.slots[2].used, kt.slots[3].used)
	}
	if _, ok := kt.take(same[1]); !ok { // the last slot: the wrapped ones shift back
		t.Fatal("take of a held key failed")
	}
	for i, k := range same {
		v, ok := kt.get(k)
		if i == 1 {
			if ok {
				t.Fatalf("removed key %d still found", k)
			}
			continue
		}
		if !ok || v != k*10 {
			t.Fatalf("key %d: got %d, %v", k, v, ok)
		}
	}
	if kt.slots[2].used {
		t.Fatal("the run did not shift back: slot 2 still used")
	}
}

// TestKeyTableAgainstMap runs random puts, takes, gets and keeps against a
// Go map, through several growths: the table must answer as the map does.
func TestKeyTableAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var kt keyTable[int64]
	m := map[uint64]int64{}
	for step := 0; step < 200000; step++ {
		// Few distinct keys, so the table fills, empties and refills;
		// now and then a wide key.
		k := uint64(rng.IntN(300))
		if rng.IntN(8) == 0 {
			k = rng.Uint64()
		}
		switch op := rng.IntN(10); {
		case op < 4:
			v := rng.Int64()
			kt.put(k, v)
			m[k] = v
		case op < 8:
			v, ok := kt.take(k)
			w, had := m[k]
			delete(m, k)
			if ok != had || v != w {
				t.Fatalf("step %d: take(%d) = %d, %v; map had %d, %v", step, k, v, ok, w, had)
			}
		case op < 9:
			v, ok := kt.get(k)
			w, had := m[k]
			if ok != had || v != w {
				t.Fatalf("step %d: get(%d) = %d, %v; map has %d, %v", step, k, v, ok, w, had)
			}
		default:
			cut := rng.Int64()
			kt.keep(func(_ uint64, v *int64) bool { return *v < cut })
			for key, v := range m {
				if v >= cut {
					delete(m, key)
				}
			}
		}
		if kt.len() != len(m) {
			t.Fatalf("step %d: len %d, map %d", step, kt.len(), len(m))
		}
	}
	for k, w := range m {
		if v, ok := kt.get(k); !ok || v != w {
			t.Fatalf("final: get(%d) = %d, %v; map has %d", k, v, ok, w)
		}
	}
}
