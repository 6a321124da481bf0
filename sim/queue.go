package sim

// Event is a scheduled event. It holds no pointers, so a queue of millions
// of them costs the garbage collector nothing to scan.
type Event struct {
	At   Time   // when it fires
	Seq  uint64 // set by Queue.Push: FIFO tie-break among equal At
	Kind uint32 // model-defined event type, dispatched with a switch
	Node uint32 // model-defined target (a POP, a regional cache...)
	Arg  uint64 // model-defined payload (an object ID, a request slot...)
}

// before reports whether a fires before b.
func (a *Event) before(b *Event) bool {
	return a.At < b.At || (a.At == b.At && a.Seq < b.Seq)
}

// Queue is a priority queue of Events ordered by (At, Seq): a 4-ary min-heap
// on a slice of values, as the Go runtime keeps its timers. A 4-ary heap is
// half as deep as a binary one, and the four children of a node sit in
// adjacent slots (two cache lines of 32-byte events), so a pop touches fewer
// lines than a binary heap's. The zero value is an empty queue.
type Queue struct {
	h   []Event
	seq uint64 // next Seq to assign; never reused, so ties stay FIFO
}

// Push adds e, overwriting e.Seq with the next value of the queue's counter
// so that events with equal At pop in Push order.
func (q *Queue) Push(e Event) {
	e.Seq = q.seq
	q.seq++
	q.h = append(q.h, e)
	q.up(len(q.h) - 1)
}

// Pop removes and returns the event with the smallest (At, Seq). Popping an
// empty queue is a bug in the caller and panics.
func (q *Queue) Pop() Event {
	n := len(q.h) - 1
	if n < 0 {
		panic("sim: Pop on an empty Queue")
	}
	top := q.h[0]
	last := q.h[n]
	q.h = q.h[:n]
	if n > 0 {
		q.down(last)
	}
	return top
}

// Peek returns the event Pop would return, and false if the queue is empty.
func (q *Queue) Peek() (Event, bool) {
	if len(q.h) == 0 {
		return Event{}, false
	}
	return q.h[0], true
}

// Len is the number of queued events.
func (q *Queue) Len() int { return len(q.h) }

// up moves h[i] towards the root until its parent fires before it. It
// carries the element in a local and writes it once, instead of swapping
// at every level.
func (q *Queue) up(i int) {
	h := q.h
	e := h[i]
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// down places e, which replaces the root, by moving the hole at the root
// down past every child that fires before e.
func (q *Queue) down(e Event) {
	h := q.h
	n := len(h)
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		// Smallest of up to four children.
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if h[j].before(&h[m]) {
				m = j
			}
		}
		if !h[m].before(&e) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = e
}
