package report

import (
	"testing"

	"github.com/cdnsim/cdnsim/topology"
)

func TestTee(t *testing.T) {
	t.Parallel()
	a, b := &countObs{}, &countObs{}
	tee := Tee(a, b)
	var o topology.Outcome
	tee.Observe(&o)
	tee.Observe(&o)
	if a.n != 2 || b.n != 2 {
		t.Errorf("tee delivered %d and %d outcomes, want 2 each", a.n, b.n)
	}
	if Tee(nil, b) != topology.Observer(b) || Tee(a, nil) != topology.Observer(a) {
		t.Error("Tee with a nil side should return the other")
	}
}

type countObs struct{ n int }

func (c *countObs) Observe(*topology.Outcome) { c.n++ }
