package topology

import (
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// TestAGhostFillsTheCachesAndTakesNoConnection: a ghost request (a
// miniature's request of a class kept above its rate) goes through the
// caches as any request, so the counted request after it hits at the
// edge; its Outcome says it is a ghost, and it counts in the flows but
// takes no connection to the origin.
func TestAGhostFillsTheCachesAndTakesNoConnection(t *testing.T) {
	t.Parallel()
	cfg := line()
	ghost := workload.Request{Time: 0, Object: 1, Size: 1000, Ghost: true}
	counted := workload.Request{Time: 10 * sim.Second, Object: 1, Size: 1000}
	n, obs := run(t, cfg, []workload.Request{ghost, counted})
	if len(obs.outs) != 2 || !obs.outs[0].Ghost || obs.outs[1].Ghost || obs.outs[0].Weight != 1 || obs.outs[1].Weight != 1 {
		t.Fatalf("outcomes %+v, want the ghost's and the counted request's, each of weight 1", obs.outs)
	}
	if r := obs.outs[1].Result(TierEdge); r != Hit {
		t.Errorf("the counted request after the ghost: %v at the edge, want Hit", r)
	}
	if s := n.Stats; s.Flows[RegionalOrigin].Requests != 1 || s.Flows[RegionalOrigin].Bytes != 1000 || s.ConnectionsOpened != 0 || s.ConnectionsReused != 0 {
		t.Errorf("Stats after a ghost's miss and a hit: %+v, want one request of 1000 bytes to the origin and no connection", s)
	}
	// The same request without the ghost before it: a miss, on a connection.
	n, obs = run(t, cfg, []workload.Request{counted})
	if r := obs.outs[0].Result(TierEdge); r != Miss || n.Stats.ConnectionsOpened != 1 || n.Stats.Flows[RegionalOrigin].Requests != 1 {
		t.Errorf("alone: %v at the edge, %d connections opened, %d to the origin; want Miss, 1, 1",
			r, n.Stats.ConnectionsOpened, n.Stats.Flows[RegionalOrigin].Requests)
	}
}

// TestClassWeightsWeighTheStats: with a class of weight 1 beside one of
// weight 4 (a miniature's units: a quarter of a request), every count
// of the network adds the request's class weight, and the connections
// the largest weight for a request that is not a ghost.
func TestClassWeightsWeighTheStats(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Classes = append(cfg.Classes, Class{Name: "big", Prefix: "/b/", CacheControl: "max-age=60", Weight: 1})
	cfg.Classes[0].Weight = 4
	cfg.Behaviors = append(cfg.Behaviors, Behavior{Path: "/b/*", Origin: "web", DefaultTTL: 24 * time.Hour, MaxTTL: 365 * 24 * time.Hour})
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 1000, Class: 0},
		{Time: sim.Second, Object: 2, Size: 3000, Class: 1, Ghost: true},
		{Time: 2 * sim.Second, Object: 3, Size: 5000, Class: 1},
	}
	n, obs := run(t, cfg, reqs)
	for i, want := range []uint16{4, 1, 1} {
		if obs.outs[i].Weight != want {
			t.Errorf("outcome %d: weight %d, want %d", i, obs.outs[i].Weight, want)
		}
	}
	f := n.Stats.Flows[RegionalOrigin]
	if f.Requests != 4+1+1 || f.Bytes != 4*1000+3000+5000 {
		t.Errorf("regional → origin: %d requests and %d bytes, want 6 and 12000", f.Requests, f.Bytes)
	}
	// One connection, opened for the first request and reused for the
	// third (the ghost took none): each counts for 4.
	if s := n.Stats; s.ConnectionsOpened != 4 || s.ConnectionsReused != 4 {
		t.Errorf("connections opened %d, reused %d; want 4 and 4", s.ConnectionsOpened, s.ConnectionsReused)
	}
}

// TestAGhostTakesNoPlaceAtTheOrigin: behind an origin that works one
// request at a time, a counted request arriving while a ghost's is
// processed does not queue behind it.
func TestAGhostTakesNoPlaceAtTheOrigin(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Origins[0].Concurrency = 1
	cfg.Origins[0].Processing = time.Second
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 1000, Ghost: true},
		{Time: sim.Millisecond, Object: 2, Size: 1000},
	}
	alone := []workload.Request{reqs[1]}
	_, withGhost := run(t, cfg, reqs)
	_, without := run(t, cfg, alone)
	if a, b := withGhost.outs[1].TTFB, without.outs[0].TTFB; a != b {
		t.Errorf("first byte after %v behind a ghost's fetch, %v alone: want the same", a, b)
	}
	// A counted request in the ghost's place does make it queue.
	reqs[0].Ghost = false
	_, queued := run(t, cfg, reqs)
	if a, b := queued.outs[1].TTFB, without.outs[0].TTFB; a < b+900*sim.Millisecond {
		t.Errorf("first byte after %v behind a counted fetch, %v alone: want about a second more", a, b)
	}
}

// TestAClassChargeScalesWhatItsObjectsTakeInACache: two objects of 600
// kB do not fit a 1 MiB POP together; charged a quarter of their size
// (Class.Charge 0.25, a miniature's class kept at four times its rate)
// they do, and the bytes sent are still the objects' own.
func TestAClassChargeScalesWhatItsObjectsTakeInACache(t *testing.T) {
	t.Parallel()
	reqs := []workload.Request{
		{Time: 0, Object: 1, Size: 600_000},
		{Time: 10 * sim.Second, Object: 2, Size: 600_000},
		{Time: 20 * sim.Second, Object: 1, Size: 600_000},
	}
	for _, tc := range []struct {
		charge float64
		want   Result
	}{{0, Miss}, {1, Miss}, {0.25, Hit}, {0.6, Hit}, {0.9, Miss}} {
		cfg := line()
		cfg.Classes[0].Charge = tc.charge
		_, obs := run(t, cfg, reqs)
		o := obs.outs[2]
		if r := o.Result(TierEdge); r != tc.want {
			t.Errorf("charge %v: object 1 again is a %v at the edge, want %v", tc.charge, r, tc.want)
		}
		if o.Size != 600_000 {
			t.Errorf("charge %v: %d bytes sent, want the object's 600000", tc.charge, o.Size)
		}
	}
}
