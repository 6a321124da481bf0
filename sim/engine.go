package sim

// Handler is the model an Engine drives. Handle runs one event; it may
// Schedule further events and call Stop.
type Handler interface {
	Handle(e Event)
}

// Engine advances virtual time by dispatching queued events in (At, Seq)
// order to a Handler. It is single-threaded: determinism comes from the
// queue order alone, whatever the number of cores.
type Engine struct {
	q       Queue
	h       Handler
	now     Time
	stopped bool // set by Stop inside Handle; read and cleared by Run
	feed    Feed // external events merged by Run, or nil
}

// NewEngine returns an engine at time 0 with no events, dispatching to h.
func NewEngine(h Handler) *Engine {
	return &Engine{h: h}
}

// Now is the current virtual time: the At of the event being handled, or
// the until of the last Run that was not stopped.
func (e *Engine) Now() Time { return e.now }

// Schedule queues an event at time at. Scheduling in the past would let
// time run backwards and is a bug in the model, so it panics.
func (e *Engine) Schedule(at Time, kind, node uint32, arg uint64) {
	if at < e.now {
		panic("sim: Schedule at " + at.String() + ", before now " + e.now.String())
	}
	e.q.Push(Event{At: at, Kind: kind, Node: node, Arg: arg})
}

// After queues an event d after Now. A negative d panics, as in Schedule.
func (e *Engine) After(d Time, kind, node uint32, arg uint64) {
	e.Schedule(e.now+d, kind, node, arg)
}

// Run dispatches every event with At <= until in order, setting Now to each
// event's time before handling it, and returns the number dispatched. Events
// a handler schedules at or before until are dispatched in the same Run.
// Afterwards Now() == until, unless a handler called Stop, in which case Run
// returns right after that event and Now() is its time; a later Run resumes
// from there. Time never moves backwards: an until before Now dispatches
// nothing and leaves Now unchanged.
func (e *Engine) Run(until Time) uint64 {
	e.stopped = false
	var n uint64
	for {
		if e.feed != nil {
			// An external event goes first unless a queued one is due
			// strictly earlier: on a tie the queue wins, so what the model
			// scheduled for an instant happens before new arrivals then.
			if at, ok := e.feed.Next(); ok && at <= until && !e.q.dueBy(at) {
				if at < e.now {
					at = e.now // a feed running late is served now, never in the past
				}
				e.now = at
				e.feed.Fire(at)
				n++
				if e.stopped {
					e.stopped = false
					return n
				}
				continue
			}
		}
		if !e.q.dueBy(until) {
			break
		}
		ev := e.q.Pop()
		e.now = ev.At
		e.h.Handle(ev)
		n++
		if e.stopped {
			e.stopped = false
			return n
		}
	}
	if until > e.now {
		e.now = until
	}
	return n
}

// Feed is an ordered stream of external events — a workload's arrivals —
// that Run merges with its queue without pushing each one through the heap
// (a push and a pop per request was 5% of a simulation).
type Feed interface {
	// Next is the time of the next external event; false when there is none.
	Next() (Time, bool)
	// Fire handles that event at time at (Now is at) and moves to the next.
	Fire(at Time)
}

// SetFeed attaches f (nil detaches); Run then dispatches f's events in
// time order with the queue's, the queue first on equal times.
func (e *Engine) SetFeed(f Feed) { e.feed = f }

// Stop makes the Run in progress return once the current event's handler
// returns. Called outside Run it has no effect: Run clears it on entry.
func (e *Engine) Stop() { e.stopped = true }

// Pending is the number of queued events.
func (e *Engine) Pending() int { return e.q.Len() }
