package sim

import (
	"fmt"
	"strings"
	"testing"
)

// listFeed feeds events at fixed times and logs what fires.
type listFeed struct {
	at  []Time
	i   int
	log *strings.Builder
	eng *Engine
}

func (f *listFeed) Next() (Time, bool) {
	if f.i >= len(f.at) {
		return 0, false
	}
	return f.at[f.i], true
}

func (f *listFeed) Fire(at Time) {
	fmt.Fprintf(f.log, "F%d@%d ", f.i, at)
	if f.i == 0 {
		f.eng.Schedule(at+5, 9, 0, 0) // a feed event may schedule model events
	}
	f.i++
}

type logHandler struct{ log *strings.Builder }

func (h logHandler) Handle(e Event) { fmt.Fprintf(h.log, "Q%d@%d ", e.Kind, e.At) }

func TestFeedMergesWithTheQueue(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	e := NewEngine(logHandler{&log})
	f := &listFeed{at: []Time{10, 20, 20, 30, 50}, log: &log, eng: e}
	e.SetFeed(f)
	e.Schedule(20, 1, 0, 0) // ties with feed events at 20: the queue goes first
	e.Schedule(40, 2, 0, 0)
	if n := e.Run(40); n != 7 {
		t.Fatalf("Run(40) dispatched %d, want 7 (feed at 10, 20, 20, 30; queue at 15, 20, 40)", n)
	}
	want := "F0@10 Q9@15 Q1@20 F1@20 F2@20 F3@30 Q2@40 "
	if got := log.String(); got != want {
		t.Fatalf("order:\n got %s\nwant %s", got, want)
	}
	if e.Now() != 40 {
		t.Fatalf("Now = %d after Run(40), want 40", e.Now())
	}
	// A feed event due before Now (a trace running late) is served at Now.
	f.at[4] = 35
	log.Reset()
	if n := e.Run(60); n != 1 || log.String() != "F4@40 " {
		t.Fatalf("late feed event: %d dispatched, %q; want it served at 40", n, log.String())
	}
}
