package report

import "github.com/cdnsim/cdnsim/topology"

// Tee returns an Observer passing each Outcome to a and then b, for a
// network that takes one Observer. A nil argument is skipped.
func Tee(a, b topology.Observer) topology.Observer {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return tee{a, b}
}

type tee struct{ a, b topology.Observer }

func (t tee) Observe(o *topology.Outcome) {
	t.a.Observe(o)
	t.b.Observe(o)
}
