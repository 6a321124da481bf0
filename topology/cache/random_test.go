package cache

import (
	"fmt"
	"slices"
	"testing"
)

func (c *random) check() error {
	if len(c.dense) != c.idx.len() {
		return fmt.Errorf("dense holds %d entries, index %d", len(c.dense), c.idx.len())
	}
	var used int64
	for i, e := range c.dense {
		if c.slot[e] != int32(i) {
			return fmt.Errorf("entry %d at dense[%d] says slot %d", e, i, c.slot[e])
		}
		if c.idx.get(c.idx.id(e)) != e {
			return fmt.Errorf("entry %d (id %d) not indexed", e, c.idx.id(e))
		}
		used += c.size[e]
	}
	if used != c.used {
		return fmt.Errorf("entries hold %d bytes, counter %d", used, c.used)
	}
	if c.pick >= 0 && (int(c.slot[c.pick]) >= len(c.dense) || c.dense[c.slot[c.pick]] != c.pick) {
		return fmt.Errorf("pending victim %d is not cached", c.pick)
	}
	return nil
}

// randomRun replays a trace on a random policy and returns all victims.
func randomRun(seed uint64) []ObjectID {
	p, _ := NewPolicy("random", Config{Capacity: 50, Seed: seed})
	var all, victims []ObjectID
	for _, r := range zipfTrace(500, 5000, 0.8, false, 11) {
		_, victims = access(p, r, victims)
		all = append(all, victims...)
	}
	return all
}

func TestRandomSeeded(t *testing.T) {
	t.Parallel()
	a, b, c := randomRun(1), randomRun(1), randomRun(2)
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Fatalf("same seed, different evictions (%d vs %d victims)", len(a), len(b))
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds, same evictions")
	}
}

// TestRandomVictimIsNextEviction checks that Victim names exactly what the
// next eviction takes.
func TestRandomVictimIsNextEviction(t *testing.T) {
	t.Parallel()
	p := newRandom(5, 3)
	var victims []ObjectID
	for i := range 200 {
		r := Request{ID: ObjectID(i), Size: 1}
		want, has := p.Victim()
		victims, _ = p.Admit(r, victims[:0])
		if has && p.Len() == 5 && len(victims) == 1 && victims[0] != want {
			t.Fatalf("request %d: Victim said %d, eviction took %d", i, want, victims[0])
		}
		if i > 5 && len(victims) != 1 {
			t.Fatalf("request %d: %d victims", i, len(victims))
		}
	}
}

// TestRandomEvictsUniformly checks the victim's age: with a full cache of
// k objects and uniform eviction an object survives each eviction with
// probability (k-1)/k, so a victim was inserted at most 8 insertions earlier
// with probability 1 - 0.9^8 ≈ 0.5695 for k = 10 (± 0.02 is over 5 sigma
// at 20,000 draws).
func TestRandomEvictsUniformly(t *testing.T) {
	t.Parallel()
	const k, draws = 10, 20000
	p := newRandom(k, 5)
	var victims []ObjectID
	for i := range k {
		victims, _ = p.Admit(Request{ID: ObjectID(i), Size: 1}, victims[:0])
	}
	young := 0
	for i := range draws {
		id := k + i
		victims, _ = p.Admit(Request{ID: ObjectID(id), Size: 1}, victims[:0])
		if id-int(victims[0]) <= 8 {
			young++
		}
	}
	if share := float64(young) / draws; share < 0.5495 || share > 0.5895 {
		t.Fatalf("share of victims aged 1-8 = %.4f, want 0.5695 ± 0.02", share)
	}
}
