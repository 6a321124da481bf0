package cache

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// check walks small, main and ghost: links, counts, bytes, index membership,
// each entry's recorded queue, and that the index holds exactly these entries.
func (c *s3fifo) check() error {
	lists, err := checkMarkedLists(&c.idx, c.nodes, c.where, markedList{c.small, inSmall, "small"}, markedList{c.main, inMain, "main"}, markedList{c.ghost, inGhost, "ghost"})
	if err != nil {
		return err
	}
	for _, seen := range lists {
		for e := range seen {
			if c.freq[e] > s3MaxFreq {
				return fmt.Errorf("entry %d freq %d > %d", e, c.freq[e], s3MaxFreq)
			}
		}
	}
	if c.Used() > c.cap {
		return fmt.Errorf("used %d > capacity %d", c.Used(), c.cap)
	}
	if c.ghost.bytes > c.ghostCap {
		return fmt.Errorf("ghost %d > %d", c.ghost.bytes, c.ghostCap)
	}
	return nil
}

// Capacity 5 in objects: small holds 1 (10% rounded down, at least one),
// main 4, the ghost 4 (90% of 5, truncated). s3fifo moves small's tail to
// main after 2 hits, so an object hit once leaves for the ghost.
func TestS3FIFOStates(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newS3FIFO(5, s3MoveToMain) }
	const fill = "+1 +2 +3 +4 +5 ?1 ?3"
	runScriptCases(t, mk, []scriptCase{
		{"misses fill small past its share until the cache is full",
			fill, "s:5/0,4/0,3/1,2/0,1/1|m:|g:", ""},
		{"one hit is not enough: a full cache sends small's tail to the ghost",
			fill + " +6", "s:6/0,5/0,4/0,3/1,2/0|m:|g:1", "1"},
		{"two hits move an object from small to main, the first cold one behind it goes to the ghost",
			fill + " +6 ?3 +7 +8", "s:8/0,7/0,6/0,5/0|m:3/0|g:4,2,1", "1,2,4"},
		{"a ghost hit is admitted straight to main",
			fill + " +6 ?3 +7 +8 ?1 +1", "s:8/0,7/0,6/0|m:1/0,3/0|g:5,4,2", "1,2,4,5"},
		{"the ghost keeps 4 ids, oldest out first",
			fill + " +6 ?3 +7 +8 ?1 +1 +9 +10", "s:10/0,9/0,8/0|m:1/0,3/0|g:7,6,5,4", "1,2,4,5,6,7"},
		{"main over its share reinserts hit objects with freq-1 and evicts the first cold one",
			fill + " +6 ?3 +7 +8 ?1 +1 +9 +10 ?3 +4 +5 +6 +11", "s:11/0|m:3/0,6/0,5/0,4/0|g:10,9,8,7", "1,2,4,5,6,7,8,9,10,1"},
		{"frequency saturates at 3 and a remove leaves no trace but the ghost",
			"+1 ?1 ?1 ?1 ?1 +2 -2 -9", "s:1/3|m:|g:", ""},
	})
}

// s3fifo-1 (the paper's wording) moves small's tail to main after one hit.
// Same capacity as above.
func TestS3FIFO1States(t *testing.T) {
	t.Parallel()
	mk := func() Policy { return newS3FIFO(5, 1) }
	const fill = "+1 +2 +3 +4 +5 ?1 ?3"
	runScriptCases(t, mk, []scriptCase{
		{"misses fill small past its share until the cache is full",
			fill, "s:5/0,4/0,3/1,2/0,1/1|m:|g:", ""},
		{"a full cache moves hit objects from small to main and evicts the first cold one to the ghost",
			fill + " +6", "s:6/0,5/0,4/0,3/1|m:1/0|g:2", "2"},
		{"a ghost hit is admitted straight to main",
			fill + " +6 ?2 +2", "s:6/0,5/0|m:2/0,3/0,1/0|g:4", "2,4"},
		{"the ghost keeps 4 ids, oldest out first",
			fill + " +6 ?2 +2 ?1 +7 +8 ?6 +6 +9 +10", "s:10/0|m:6/0,2/0,3/0,1/1|g:9,8,7,5", "2,4,5,6,7,8,9"},
		{"main over its share reinserts hit objects with freq-1 and evicts the first cold one",
			fill + " +6 ?2 +2 ?1 +7 +8 ?6 +6 +9 +10 ?5 +5 +11", "s:11/0|m:1/0,5/0,6/0,2/0|g:10,9,8,7", "2,4,5,6,7,8,9,10,3"},
		{"frequency saturates at 3 and a remove leaves no trace but the ghost",
			"+1 ?1 ?1 ?1 ?1 +2 -2 -9", "s:1/3|m:|g:", ""},
	})
}

// The two registered names build the two thresholds and report themselves.
func TestS3FIFONames(t *testing.T) {
	t.Parallel()
	for name, threshold := range map[string]uint8{"s3fifo": 2, "s3fifo-1": 1} {
		p, err := NewPolicy(name, Config{Capacity: 10})
		if err != nil {
			t.Fatal(err)
		}
		if c := p.(*s3fifo); c.moveToMain != threshold || c.Name() != name {
			t.Errorf("%s: threshold %d, Name %q", name, c.moveToMain, c.Name())
		}
	}
}

func TestS3FIFORefusesObjectsLargerThanSmall(t *testing.T) {
	t.Parallel()
	c := newS3FIFO(100, s3MoveToMain) // small = 10
	if _, ok := c.Admit(Request{ID: 1, Size: 11}, nil); ok {
		t.Error("admitted an 11-byte object into a 10-byte small queue")
	}
	if _, ok := c.Admit(Request{ID: 2, Size: 10}, nil); !ok {
		t.Error("refused a 10-byte object that fits the small queue")
	}
}

// In bytes mode the eviction loop runs until the new object fits. Objects 1
// and 2 are hit twice, enough for either threshold.
func TestS3FIFOBytes(t *testing.T) {
	t.Parallel()
	for _, threshold := range []uint8{s3MoveToMain, 1} {
		c := newS3FIFO(100, threshold) // small 10, main 90, ghost 90 bytes
		v := runScript(t, c, "+1:10 +2:10 +3:10 +4:10 +5:10 +6:10 +7:10 +8:10 +9:10 +10:10 ?1 ?1 ?2 ?2 +11:10")
		if got, want := c.state(), "s:11/0,10/0,9/0,8/0,7/0,6/0,5/0,4/0|m:2/0,1/0|g:3"; got != want {
			t.Errorf("threshold %d: state = %q, want %q", threshold, got, want)
		}
		if fmt.Sprint(v) != "[3]" {
			t.Errorf("threshold %d: victims = %v, want [3]", threshold, v)
		}
	}
}

// Victim names exactly the object the next admission evicts first, in
// objects and in bytes, whichever queue it comes from: small's oldest not
// due for main, main's oldest count-0 object, or, when every object in main
// has been hit since its last pass, main's oldest with the lowest count or
// an object small promotes on the way. A hot set that keeps main's counts
// up, mixed with a stream of new objects, exercises every case.
func TestS3FIFOVictimIsNextEviction(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"s3fifo", "s3fifo-1"} {
		for _, bytes := range []bool{false, true} {
			rng := rand.New(rand.NewPCG(11, 12))
			const hot = 48
			size := func(id ObjectID) int64 {
				if !bytes {
					return 1
				}
				return 1 + int64(id*7919%80)
			}
			var capacity int64 // the hot set overflows main a little
			for id := ObjectID(0); id < hot; id++ {
				capacity += size(id)
			}
			capacity = capacity * 50 / hot
			p, err := NewPolicy(name, Config{Capacity: capacity, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			c := p.(*s3fifo)
			var cases [3]int // victim from small; from main with a count-0 object; from main without
			fresh := ObjectID(1000)
			for i := 0; i < 100000; i++ {
				var id ObjectID
				switch u := rng.Float64(); {
				case u < 0.98:
					id = ObjectID(rng.IntN(46)) // hot
				case u < 0.99:
					id = ObjectID(100 + rng.IntN(300)) // warm
				default:
					fresh++ // new
					id = fresh
				}
				r := Request{ID: id, Size: size(id)}
				if c.Lookup(r) {
					continue
				}
				if c.Used()+r.Size <= c.Capacity() || r.Size > c.smallCap {
					c.Admit(r, nil)
					continue
				}
				v, ok := c.Victim()
				e := c.idx.get(v)
				kind := 0
				if ok && e >= 0 && c.where[e] == inMain {
					kind = 2
					for m := c.main.tail; m >= 0; m = c.nodes[m].prev {
						if c.freq[m] == 0 {
							kind = 1
							break
						}
					}
				}
				victims, _ := c.Admit(r, nil)
				if !ok || len(victims) == 0 || victims[0] != v {
					t.Fatalf("%s bytes=%v request %d: Victim() = %d, %v; Admit evicted %v", name, bytes, i, v, ok, victims)
				}
				cases[kind]++
			}
			for k, n := range cases {
				if n < 20 {
					t.Errorf("%s bytes=%v: case %d checked %d times (small, main with a count-0 object, main without: %v): the workload no longer exercises it", name, bytes, k, n, cases)
				}
			}
			t.Logf("%s bytes=%v: %v", name, bytes, cases)
		}
	}
}

// The case the randomized test rarely meets, worked by hand (s3fifo-1, 10
// objects, small's share 1): every object in main has count 1 and small's
// only object is due for main. Admitting 12 moves 11 to main's head with
// count 0, and the pass over main lowers 2..10 to 0 and moves them behind
// it, so 11 is evicted, not main's oldest.
func TestS3FIFOVictimPromotedBeforeCountedMain(t *testing.T) {
	t.Parallel()
	c := newS3FIFO(10, 1)
	run := func(script string) []ObjectID { return runScript(t, c, script) }
	run("+1 +2 +3 +4 +5 +6 +7 +8 +9 +10 ?1 ?2 ?3 ?4 ?5 ?6 ?7 ?8 ?9 ?10")
	if v, ok := c.Victim(); !ok || v != 1 {
		t.Fatalf("all of small due for main, main empty: Victim = %d, %v; want 1", v, ok)
	}
	if got := run("+11"); fmt.Sprint(got) != "[1]" {
		t.Fatalf("+11 evicted %v, want [1]", got)
	}
	run("?2 ?3 ?4 ?5 ?6 ?7 ?8 ?9 ?10 ?11")
	if v, ok := c.Victim(); !ok || v != 11 {
		t.Errorf("Victim = %d, %v; want 11", v, ok)
	}
	if got := run("+12"); fmt.Sprint(got) != "[11]" {
		t.Errorf("+12 evicted %v, want [11]", got)
	}
}
