package sim

import (
	"fmt"
	"testing"
)

// BenchmarkHold is the classic hold model on the Queue alone: pop the
// earliest event and push it back at its time plus an exponential delay, so
// the queue keeps n events. One op is one pop plus one push (and one Exp).
func BenchmarkHold(b *testing.B) {
	for _, n := range []int{1e3, 1e5, 1e6} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			r := NewRand(1, "hold")
			const mean = Millisecond
			var q Queue
			for i := range n {
				q.Push(Event{At: Exp(r, mean), Node: uint32(i)})
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e := q.Pop()
				e.At += Exp(r, mean)
				q.Push(e)
			}
		})
	}
}

// BenchmarkEngineHold is the hold model through the Engine and a Handler:
// one op is one dispatched event that reschedules itself with After.
func BenchmarkEngineHold(b *testing.B) {
	for _, n := range []int{1e3, 1e5, 1e6} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			h := newHolder(n)
			h.eng.Run(h.eng.Now() + Millisecond) // warm the heap past its initial order
			c := &countdown{holder: h}
			h.eng.h = c
			b.ReportAllocs()
			b.ResetTimer()
			c.left = b.N
			h.eng.Run(Time(1) << 62)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// countdown stops the engine after a fixed number of events, so one Run
// dispatches exactly b.N of them.
type countdown struct {
	*holder
	left int
}

func (c *countdown) Handle(e Event) {
	c.holder.Handle(e)
	if c.left--; c.left <= 0 {
		c.eng.Stop()
	}
}
