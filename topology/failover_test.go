package topology

import (
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// grouped is line() with a second origin, "backup", at 25° latitude (15°
// from the regional cache, against web's 30°), and the behaviour sending
// everything to the group "g" of web (primary) and backup. Processing
// times are fixed (sigma 0).
func grouped() Config {
	cfg := line()
	cfg.Origins = append(cfg.Origins, Origin{Name: "backup", Kind: "custom", Lat: 25, Lon: 0, Processing: 50 * time.Millisecond})
	cfg.OriginGroups = []OriginGroup{{Name: "g", Primary: "web", Secondary: "backup"}}
	cfg.Behaviors[0].Origin = "g"
	return cfg
}

// Hand-computed failover timings on line(): viewer→POP 1°, POP→region 9°,
// region→web 30°, region→backup 15°. A miss at both tiers reaches the
// regional cache at rV + hop + rP + hop (the halves of rP sum to it); a
// cold origin fetch then costs 2 RTTs of handshakes, the request's RTT and
// the processing.
func TestFailoverTimings(t *testing.T) {
	t.Parallel()
	rV, rP, rO, rS := degRTT(1), degRTT(9), degRTT(30), degRTT(15)
	hop := hopProcessing
	toRegion := rV + hop + rP + hop
	procWeb, procBackup := 20*sim.Millisecond, 50*sim.Millisecond
	backupCold := 3*rS + procBackup

	t.Run("an outage costs 3 attempts of 10 s, then the secondary answers", func(t *testing.T) {
		t.Parallel()
		cfg := grouped()
		cfg.Origins[0].Outages = []Outage{{Start: 0, End: time.Hour}}
		n, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		o := obs.outs[0]
		want := toRegion + 3*10*sim.Second + backupCold
		if o.Status != 200 || !o.Failover || o.Edge != Miss || o.Regional != Miss {
			t.Fatalf("status %d failover %v edge %v regional %v; want a 200 Miss via the secondary", o.Status, o.Failover, o.Edge, o.Regional)
		}
		if d := o.TTFB - want; d < -1 || d > 1 {
			t.Fatalf("TTFB %v, want %v (3 × 10 s of connection attempts + the secondary's %v)", o.TTFB, want, backupCold)
		}
		if n.Stats.OriginFailures != 3 || n.Stats.Failovers != 1 {
			t.Fatalf("%d failed attempts, %d failovers; want 3 and 1", n.Stats.OriginFailures, n.Stats.Failovers)
		}
	})

	t.Run("one attempt of 2 s", func(t *testing.T) {
		t.Parallel()
		cfg := grouped()
		cfg.Origins[0].Outages = []Outage{{Start: 0, End: time.Hour}}
		cfg.Origins[0].ConnectionAttempts = 1
		cfg.Origins[0].ConnectTimeout = 2 * time.Second
		_, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		if o, want := obs.outs[0], toRegion+2*sim.Second+backupCold; o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("TTFB %v, want %v", o.TTFB, want)
		}
	})

	t.Run("without a group the outage is a 504 after the attempts", func(t *testing.T) {
		t.Parallel()
		cfg := line()
		cfg.Origins[0].Outages = []Outage{{Start: 0, End: time.Hour}}
		cfg.ConnectTimeout = 5 * time.Second
		_, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		o := obs.outs[0]
		if want := toRegion + 3*5*sim.Second; o.Status != 504 || o.Failover || o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("status %d failover %v TTFB %v; want a 504 after %v", o.Status, o.Failover, o.TTFB, want)
		}
	})

	t.Run("the origin comes back between attempts", func(t *testing.T) {
		t.Parallel()
		cfg := line()
		// Down until 15 s: the attempts at ~1 s and ~11 s fail, the one at
		// ~21 s connects (a new connection: handshakes again).
		cfg.Origins[0].Outages = []Outage{{Start: 0, End: 15 * time.Second}}
		_, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		o := obs.outs[0]
		if want := toRegion + 2*10*sim.Second + 3*rO + procWeb; o.Status != 200 || o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("status %d TTFB %v; want 200 after %v", o.Status, o.TTFB, want)
		}
	})

	t.Run("a 503 fails over at once", func(t *testing.T) {
		t.Parallel()
		cfg := grouped()
		cfg.Origins[0].ErrorRate = 1
		n, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		o := obs.outs[0]
		want := toRegion + 3*rO + procWeb + backupCold
		if o.Status != 200 || !o.Failover || o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("status %d failover %v TTFB %v; want 200 via the secondary after %v", o.Status, o.Failover, o.TTFB, want)
		}
		// Both origins' bodies came back over the flow: the error page and the object.
		if b := o.FlowBytes[RegionalOrigin]; b != errorBodyBytes+1000 {
			t.Fatalf("%d bytes from the origins, want %d", b, errorBodyBytes+1000)
		}
		if n.Stats.OriginFailures != 0 {
			t.Fatalf("%d connection failures for an origin that answered", n.Stats.OriginFailures)
		}
	})

	t.Run("a status not configured passes through", func(t *testing.T) {
		t.Parallel()
		cfg := grouped()
		cfg.OriginGroups[0].FailoverOn = []int{404}
		cfg.Origins[0].ErrorRate = 1
		_, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		if o, want := obs.outs[0], toRegion+3*rO+procWeb; o.Status != 503 || o.Failover || o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("status %d failover %v TTFB %v; want the primary's 503 after %v", o.Status, o.Failover, o.TTFB, want)
		}
	})

	t.Run("a 404 fails over when configured, and is missing at the secondary too", func(t *testing.T) {
		t.Parallel()
		cfg := grouped()
		cfg.OriginGroups[0].FailoverOn = []int{404}
		cfg.Classes[0].Errors = []ErrorShare{{Status: 404, Share: 1}}
		_, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		if o, want := obs.outs[0], toRegion+3*rO+procWeb+backupCold; o.Status != 404 || !o.Failover || o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("status %d failover %v TTFB %v; want 404 after both origins, %v", o.Status, o.Failover, o.TTFB, want)
		}
	})

	t.Run("no first byte within the response timeout", func(t *testing.T) {
		t.Parallel()
		cfg := grouped()
		cfg.Origins[0].Processing = 40 * time.Second
		cfg.Origins[0].ResponseTimeout = 30 * time.Second
		n, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000}})
		o := obs.outs[0]
		// Each attempt: a new connection's handshakes, then 30 s of waiting.
		want := toRegion + 3*(2*rO+30*sim.Second) + backupCold
		if o.Status != 200 || !o.Failover || o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("status %d failover %v TTFB %v; want 200 via the secondary after %v", o.Status, o.Failover, o.TTFB, want)
		}
		if n.Stats.ResponseTimeouts != 3 {
			t.Fatalf("%d response timeouts, want 3", n.Stats.ResponseTimeouts)
		}
	})

	t.Run("a POST is not failed over", func(t *testing.T) {
		t.Parallel()
		cfg := grouped()
		cfg.Origins[0].Outages = []Outage{{Start: 0, End: time.Hour}}
		_, obs := run(t, cfg, []workload.Request{{Time: sim.Second, Object: 1, Size: 1000, Method: workload.POST}})
		// From the POP straight to the origin: rV + hop, then the attempts.
		if o, want := obs.outs[0], rV+hop+3*10*sim.Second; o.Status != 504 || o.Failover || o.TTFB-want < -1 || o.TTFB-want > 1 {
			t.Fatalf("status %d failover %v TTFB %v; want a 504 after %v", o.Status, o.Failover, o.TTFB, want)
		}
	})
}

func TestValidateOriginGroups(t *testing.T) {
	t.Parallel()
	checkValidateKeys(t, grouped, []keyCase{
		{"unknown primary", func(c *Config) { c.OriginGroups[0].Primary = "nope" }, "origin_groups[0].primary"},
		{"unknown secondary", func(c *Config) { c.OriginGroups[0].Secondary = "nope" }, "origin_groups[0].secondary"},
		{"names itself", func(c *Config) { c.OriginGroups[0].Secondary = "g" }, "origin_groups[0].secondary"},
		{"same origin twice", func(c *Config) { c.OriginGroups[0].Secondary = "web" }, "origin_groups[0].secondary"},
		{"a group named as an origin", func(c *Config) { c.OriginGroups[0].Name = "web" }, "origin_groups[0].name"},
		{"unknown failover status", func(c *Config) { c.OriginGroups[0].FailoverOn = []int{500, 501} }, "origin_groups[0].failover_on"},
		{"four attempts", func(c *Config) { c.Origins[0].ConnectionAttempts = 4 }, "origins[0].connection_attempts"},
		{"behaviour names no group", func(c *Config) { c.Behaviors[0].Origin = "h" }, "behaviors[0].origin"},
	})
}
