package topology

import (
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// twoPOPs is a line with a second, farther POP the metro fails over to.
func twoPOPs() Config {
	cfg := line()
	cfg.POPs = append(cfg.POPs, POP{Name: "far", Lat: 5, Lon: 0, Region: "reg", Cache: CacheSpec{Capacity: 1 << 20}})
	return cfg
}

func TestPOPFailureFailsOverAsDNSAnswersExpire(t *testing.T) {
	t.Parallel()
	cfg := twoPOPs()
	cfg.POPs[0].Outages = []Outage{{Start: 30 * time.Second, End: 300 * time.Second}}
	cfg.DNS.TTL = 60 * time.Second
	var reqs []workload.Request
	for s := 0; s < 400; s += 10 { // a request every 10 s
		reqs = append(reqs, workload.Request{Time: sim.Time(s) * sim.Second, Object: 1, Size: 100})
	}
	n, obs := run(t, cfg, reqs)
	for _, o := range obs.outs {
		s := o.Time / sim.Second
		// Answers are cached 60 s: resolved at 0 s (near POP), 60, 120, 180,
		// 240 s (near POP down: the far one), 300 s (near POP back).
		var wantPOP uint16
		wantFail := false
		switch {
		case s < 30: // near POP up
		case s < 60: // near POP down, answer from 0 s still cached: fails
			wantFail = true
		case s < 300:
			wantPOP = 1
		}
		if wantFail != (o.Status == 503) || (!wantFail && o.POP != wantPOP) {
			t.Errorf("at %ds: POP %d status %d; want POP %d, failed %v", s, o.POP, o.Status, wantPOP, wantFail)
		}
	}
	if n.Stats.DeadPOPRequests != 3 {
		t.Errorf("%d requests went to the dead POP, want 3 (30, 40, 50 s)", n.Stats.DeadPOPRequests)
	}
	// With a 1 s TTL the failover is immediate after the first request.
	cfg.DNS.TTL = time.Second
	n, _ = run(t, cfg, reqs)
	if n.Stats.DeadPOPRequests != 0 {
		t.Errorf("with a 1 s TTL (requests 10 s apart) %d requests went to the dead POP, want 0", n.Stats.DeadPOPRequests)
	}
}

func TestPublicResolverMisroutes(t *testing.T) {
	t.Parallel()
	cfg := twoPOPs()
	cfg.DNS.PublicShare = 0.3
	cfg.DNS.PublicLat, cfg.DNS.PublicLon = 6, 0 // nearest the far POP
	var reqs []workload.Request
	for i := 0; i < 10000; i++ {
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Millisecond, Object: uint64(i % 50), Size: 100})
	}
	_, obs := run(t, cfg, reqs)
	far, public := 0, 0
	for _, o := range obs.outs {
		if o.POP == 1 {
			far++
		}
		if o.PublicResolver {
			public++
			if o.POP != 1 {
				t.Fatalf("a public-resolver answer sent the viewer to POP %d, want the POP nearest the resolver", o.POP)
			}
		} else if o.POP != 0 {
			t.Fatalf("a local-resolver answer sent the viewer to POP %d, want its nearest", o.POP)
		}
	}
	// 30% ± 4.5 standard deviations of a binomial(10000, 0.3).
	if public < 2794 || public > 3206 || far != public {
		t.Fatalf("%d of 10000 behind the public resolver (%d at the far POP), want ~3000", public, far)
	}
}

// nearest is the POP metro m's local resolver answers with while every POP
// is up: the first in its RTT order.
func (d *resolvers) nearest(m int) int { return int(d.order[m][0]) }
