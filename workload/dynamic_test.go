package workload

import (
	"math"
	"testing"
	"time"
)

func TestDynamicShare(t *testing.T) {
	t.Parallel()
	cfg := NewsSpikeExample()
	cfg.Duration = 2 * time.Hour
	cfg.Spikes = nil
	cfg.Classes[0].DynamicShare = 0.25
	g, err := New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	var n, dyn, other int
	var r Request
	for g.Next(&r) {
		if r.Class == 0 {
			n++
			if r.Dynamic {
				dyn++
			}
		} else if r.Dynamic {
			other++
		}
	}
	sd := math.Sqrt(float64(n) * 0.25 * 0.75)
	if math.Abs(float64(dyn)-0.25*float64(n)) > 5*sd || other != 0 {
		t.Fatalf("%d of %d class-0 requests dynamic (want 25%% ± 5σ = %.0f); %d dynamic in other classes (want 0)", dyn, n, 5*sd, other)
	}
	cfg.Classes[0].DynamicShare = 1.5
	if _, err := New(cfg, 3); err == nil {
		t.Fatal("dynamic_share 1.5 accepted")
	}
}
