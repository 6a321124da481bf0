package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// recorder logs every event it handles, with the engine's Now at the time.
type recorder struct {
	eng    *Engine
	got    []Event
	nows   []Time
	onKind func(r *recorder, e Event)
}

func (r *recorder) Handle(e Event) {
	r.got = append(r.got, e)
	r.nows = append(r.nows, r.eng.Now())
	if r.onKind != nil {
		r.onKind(r, e)
	}
}

func newRecorder(on func(r *recorder, e Event)) *recorder {
	r := &recorder{onKind: on}
	r.eng = NewEngine(r)
	return r
}

func TestEngineRunsEventsInOrderAndSetsNow(t *testing.T) {
	t.Parallel()
	r := newRecorder(nil)
	r.eng.Schedule(30, 3, 0, 0)
	r.eng.Schedule(10, 1, 0, 0)
	r.eng.Schedule(20, 2, 0, 0)
	r.eng.Schedule(10, 4, 0, 0) // same time as kind 1, scheduled later
	if n := r.eng.Run(100); n != 4 {
		t.Fatalf("Run = %d, want 4", n)
	}
	var kinds []uint32
	for _, e := range r.got {
		kinds = append(kinds, e.Kind)
	}
	if want := []uint32{1, 4, 2, 3}; !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	if want := []Time{10, 10, 20, 30}; !slices.Equal(r.nows, want) {
		t.Fatalf("Now during handlers %v, want %v", r.nows, want)
	}
	if r.eng.Now() != 100 || r.eng.Pending() != 0 {
		t.Fatalf("after Run: Now %v Pending %d, want 100ns and 0", r.eng.Now(), r.eng.Pending())
	}
}

func TestEngineRunBoundary(t *testing.T) {
	t.Parallel()
	r := newRecorder(func(r *recorder, e Event) {
		if e.Kind == 1 {
			// Scheduled from a handler, exactly at until: runs in this Run.
			r.eng.Schedule(50, 5, 0, 0)
			// Just after until: stays queued.
			r.eng.Schedule(51, 6, 0, 0)
		}
	})
	r.eng.Schedule(50, 2, 0, 0)
	r.eng.Schedule(49, 1, 0, 0)
	r.eng.Schedule(51, 3, 0, 0)
	if n := r.eng.Run(50); n != 3 {
		t.Fatalf("Run(50) = %d, want 3 (events at 49, 50 and the one scheduled at 50)", n)
	}
	if r.eng.Now() != 50 || r.eng.Pending() != 2 {
		t.Fatalf("after Run(50): Now %v Pending %d, want 50ns and 2", r.eng.Now(), r.eng.Pending())
	}
	if n := r.eng.Run(50); n != 0 {
		t.Fatalf("second Run(50) = %d, want 0", n)
	}
	if n := r.eng.Run(10); n != 0 || r.eng.Now() != 50 {
		t.Fatalf("Run(10) after Now 50: dispatched %d, Now %v; want 0 and time unchanged", n, r.eng.Now())
	}
	if n := r.eng.Run(51); n != 2 || r.eng.Now() != 51 {
		t.Fatalf("Run(51) = %d, Now %v; want 2 and 51ns", n, r.eng.Now())
	}
	var kinds []uint32
	for _, e := range r.got {
		kinds = append(kinds, e.Kind)
	}
	if want := []uint32{1, 2, 5, 3, 6}; !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
}

func TestEngineRunOnEmptyQueueAdvancesTime(t *testing.T) {
	t.Parallel()
	r := newRecorder(nil)
	if n := r.eng.Run(Second); n != 0 || r.eng.Now() != Second {
		t.Fatalf("Run(1s) on an empty engine: %d events, Now %v; want 0 and 1s", n, r.eng.Now())
	}
	r.eng.After(Millisecond, 1, 0, 0)
	r.eng.Run(2 * Second)
	if r.nows[0] != Second+Millisecond {
		t.Fatalf("After(1ms) at 1s fired at %v, want 1.001s", r.nows[0])
	}
}

func TestEngineStop(t *testing.T) {
	t.Parallel()
	r := newRecorder(func(r *recorder, e Event) {
		if e.Kind == 2 {
			r.eng.Stop()
		}
	})
	for i := range 5 {
		r.eng.Schedule(Time(10*(i+1)), uint32(i+1), 0, 0)
	}
	if n := r.eng.Run(100); n != 2 {
		t.Fatalf("Run with Stop in the 2nd handler = %d, want 2", n)
	}
	if r.eng.Now() != 20 || r.eng.Pending() != 3 {
		t.Fatalf("after Stop: Now %v Pending %d, want 20ns (the stopping event) and 3", r.eng.Now(), r.eng.Pending())
	}
	// Resuming runs the rest; the stop does not carry over.
	if n := r.eng.Run(100); n != 3 || r.eng.Now() != 100 {
		t.Fatalf("resumed Run = %d, Now %v; want 3 and 100ns", n, r.eng.Now())
	}
	// Stop outside Run is ignored.
	r.eng.Stop()
	r.eng.Schedule(200, 9, 0, 0)
	r.eng.Schedule(300, 9, 0, 0)
	if n := r.eng.Run(400); n != 2 {
		t.Fatalf("Run after a Stop outside Run = %d, want 2", n)
	}
}

func TestEngineScheduleInThePastPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		call func(e *Engine)
	}{
		{"Schedule before now", func(e *Engine) { e.Schedule(99, 0, 0, 0) }},
		{"After with a negative delay", func(e *Engine) { e.After(-1, 0, 0, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := NewEngine(newRecorder(nil))
			e.Run(100)
			defer func() {
				if recover() == nil {
					t.Fatal("did not panic")
				}
			}()
			tc.call(e)
		})
	}
	t.Run("Schedule at now is allowed", func(t *testing.T) {
		t.Parallel()
		r := newRecorder(nil)
		r.eng.Run(100)
		r.eng.Schedule(100, 0, 0, 0)
		if n := r.eng.Run(100); n != 1 {
			t.Fatalf("event at now not dispatched: %d", n)
		}
	})
}

// chain is a model with random fan-out: each event schedules 0-2 successors
// at random delays (often zero, to exercise ties), drawing from one stream.
type chain struct {
	eng  *Engine
	rng  *rand.Rand
	log  []Event
	nows []Time
}

func (c *chain) Handle(e Event) {
	c.log = append(c.log, e)
	c.nows = append(c.nows, c.eng.Now())
	if len(c.log) > 50_000 {
		return
	}
	for range c.rng.IntN(3) {
		d := Time(0)
		if c.rng.IntN(2) == 0 {
			d = Exp(c.rng, Millisecond)
		}
		c.eng.After(d, uint32(c.rng.IntN(8)), uint32(c.rng.IntN(100)), c.rng.Uint64())
	}
}

func runChain(seed uint64) *chain {
	c := &chain{rng: NewRand(seed, "chain")}
	c.eng = NewEngine(c)
	for i := range 100 {
		c.eng.Schedule(Exp(c.rng, Second), uint32(i%8), uint32(i), 0)
	}
	c.eng.Run(Hour)
	return c
}

func TestEngineIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := runChain(42), runChain(42)
	if len(a.log) < 1000 {
		t.Fatalf("model too small to test anything: %d events", len(a.log))
	}
	if !slices.Equal(a.log, b.log) || !slices.Equal(a.nows, b.nows) {
		t.Fatal("same seed, same model: dispatched sequences differ")
	}
	for i := 1; i < len(a.log); i++ {
		if earlier(&a.log[i], &a.log[i-1]) {
			t.Fatalf("event %d %+v dispatched after %+v", i, a.log[i], a.log[i-1])
		}
		if a.nows[i] != a.log[i].At {
			t.Fatalf("event %d: Now %v, At %v", i, a.nows[i], a.log[i].At)
		}
	}
	if c := runChain(43); slices.Equal(a.log, c.log) {
		t.Fatal("seeds 42 and 43 dispatched identical sequences")
	}
}

// holder is the hold model: every event reschedules itself after an
// exponential delay, so the queue size stays constant.
type holder struct {
	eng  *Engine
	rng  *rand.Rand
	mean Time
}

func (h *holder) Handle(e Event) {
	h.eng.After(Exp(h.rng, h.mean), e.Kind, e.Node, e.Arg)
}

func newHolder(n int) *holder {
	h := &holder{rng: NewRand(1, "hold"), mean: Millisecond}
	h.eng = NewEngine(h)
	for i := range n {
		h.eng.Schedule(Exp(h.rng, h.mean), 0, uint32(i), 0)
	}
	return h
}

func TestEngineHoldDoesNotAllocate(t *testing.T) {
	// Not parallel: AllocsPerRun counts the whole process's allocations.
	h := newHolder(1000)
	h.eng.Run(h.eng.Now() + 10*Millisecond) // let the slice reach its working capacity
	allocs := testing.AllocsPerRun(100, func() {
		h.eng.Run(h.eng.Now() + Millisecond)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per Run of ~1000 holds, want 0", allocs)
	}
	if h.eng.Pending() != 1000 {
		t.Fatalf("Pending = %d, want 1000 (hold keeps the population)", h.eng.Pending())
	}
}

func TestTimeShort(t *testing.T) {
	for _, tc := range []struct {
		t    Time
		want string
	}{{24 * Hour, "24h"}, {Hour + 30*Minute, "1h30m"}, {10 * Minute, "10m"}, {90 * Second, "1m30s"}, {1500 * Millisecond, "1.5s"}, {Hour + Second, "1h0m1s"}} {
		if got := tc.t.Short(); got != tc.want {
			t.Errorf("%v.Short() = %q, want %q", tc.t, got, tc.want)
		}
	}
}
