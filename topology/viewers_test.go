package topology

import (
	"math"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// hits is n requests for one object, a second apart: a miss, then hits.
func hits(n int) []workload.Request {
	reqs := make([]workload.Request, n)
	for i := range reqs {
		reqs[i] = workload.Request{Time: sim.Time(i) * sim.Second, Object: 1, Size: 100}
	}
	return reqs
}

func TestViewerSideByHand(t *testing.T) {
	t.Parallel()
	rV := degRTT(1)
	const lastMile = 10 * sim.Millisecond
	for _, tc := range []struct {
		name         string
		reuse, http3 float64
		rtts         sim.Time // round trips to the first byte
	}{
		{"a new TCP connection: TCP, TLS 1.3, then the request", 0, 0, 3},
		{"a new QUIC connection: one handshake, then the request", 0, 1, 2},
		{"an open connection: the request's round trip only", 1, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := line()
			cfg.Viewers = Viewers{Access: [][]AccessNetwork{{{Name: "fixed", Share: 1, RTT: 10 * time.Millisecond}}},
				Reuse: tc.reuse, HTTP3: tc.http3}
			_, obs := run(t, cfg, hits(3))
			for _, o := range obs.outs[1:] {
				want := tc.rtts*(rV+lastMile) + hopProcessing
				if o.Edge != Hit || o.TTFB != want || o.ServerTTFB != hopProcessing {
					t.Errorf("edge %v, TTFB %v, server TTFB %v; want a hit, %v, %v", o.Edge, o.TTFB, o.ServerTTFB, want, hopProcessing)
				}
				if o.NewConnection != (tc.reuse == 0) || o.HTTP3 != (tc.http3 == 1) {
					t.Errorf("new connection %v, HTTP/3 %v", o.NewConnection, o.HTTP3)
				}
			}
		})
	}
}

// TestViewerSideDraws checks the draws' frequencies and means: which
// access network, HTTP/3 or not, a new connection or not, and jitter.
func TestViewerSideDraws(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.Viewers = Viewers{
		Access: [][]AccessNetwork{{{Name: "fixed", Share: 0.25, RTT: 5 * time.Millisecond}, {Name: "mobile", Share: 0.75, RTT: 40 * time.Millisecond}}},
		Reuse:  0.8, HTTP3: 0.3, Jitter: 2 * time.Millisecond,
	}
	const n = 40000
	_, obs := run(t, cfg, hits(n))
	rV := degRTT(1)
	var fixed, fresh, h3 int
	var jitter float64
	for _, o := range obs.outs[1:] {
		setup := sim.Time(0)
		if o.NewConnection {
			fresh++
			setup = 2
			if o.HTTP3 {
				setup = 1
			}
		}
		if o.HTTP3 {
			h3++
		}
		// TTFB = (setup+1)·(rV + last mile) + server TTFB + jitter, last mile
		// 5 or 40 ms.
		rest := o.TTFB - o.ServerTTFB
		lm := sim.Time(5 * sim.Millisecond)
		if rest >= (setup+1)*(rV+40*sim.Millisecond) {
			lm = 40 * sim.Millisecond
		} else {
			fixed++
		}
		j := rest - (setup+1)*(rV+lm)
		if j < 0 {
			t.Fatalf("TTFB %v below its deterministic part (setup %d, last mile %v)", o.TTFB, setup, lm)
		}
		jitter += float64(j)
	}
	m := float64(n - 1)
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"fixed share", float64(fixed) / m, 0.25},
		{"new connections", float64(fresh) / m, 0.2},
		{"HTTP/3", float64(h3) / m, 0.3},
	} {
		// Binomial: 4 standard errors.
		if se := math.Sqrt(c.want * (1 - c.want) / m); math.Abs(c.got-c.want) > 4*se {
			t.Errorf("%s %.4f, want %.2f ± %.4f", c.what, c.got, c.want, 4*se)
		}
	}
	// Exponential jitter: the mean of n draws is within 4/√n of the mean
	// (jitter above the 35 ms gap between the access networks would be
	// misread as the slow network; at 2 ms mean that is e^-17.5).
	if mean := jitter / m / float64(sim.Millisecond); math.Abs(mean-2) > 4*2/math.Sqrt(m) {
		t.Errorf("mean jitter %.3f ms, want 2", mean)
	}
}

// TestViewerSideDrawsAreItsOwn: modelling the viewer side changes no
// other draw: the caches and origins see the same requests, and do the
// same with them, with or without it.
func TestViewerSideDrawsAreItsOwn(t *testing.T) {
	t.Parallel()
	cfg := grid()
	cfg.Origins[0].ProcessingSigma = 0.8
	cfg.Origins[0].ErrorRate = 0.05
	cfg.DNS.PublicShare = 0.2
	reqs := randomRequests(11, 5000, 500, 6)
	_, plain := run(t, cfg, reqs)
	cfg.Viewers = Viewers{Access: make([][]AccessNetwork, len(cfg.Metros)), Reuse: 0.5, HTTP3: 0.5, Jitter: time.Millisecond}
	for m := range cfg.Viewers.Access {
		cfg.Viewers.Access[m] = []AccessNetwork{{Name: "fixed", Share: 1, RTT: 10 * time.Millisecond, Sigma: 0.5}}
	}
	_, viewed := run(t, cfg, reqs)
	for i, a := range plain.outs {
		b := viewed.outs[i]
		if a.POP != b.POP || a.Edge != b.Edge || a.Regional != b.Regional || a.Status != b.Status || a.ServerTTFB != b.ServerTTFB {
			t.Fatalf("request %d: without the viewer side %+v, with it %+v", i, a, b)
		}
		if b.TTFB <= a.TTFB {
			t.Fatalf("request %d: TTFB %v with the viewer side, %v without", i, b.TTFB, a.TTFB)
		}
	}
}

// TestQuantileTables: the interpolated tables stay within a little more
// than their tolerance of the exact quantiles everywhere (the check is at
// quarter points, the bound here anywhere), interpolate all but a few
// bins, and what they draw has the distributions' means (a lognormal of
// median 1 has mean e^(σ²/2)).
func TestQuantileTables(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		table *quantileTable
		mean  float64
	}{
		{"lognormal σ 0.5", lognormalSpread(0.5), math.Exp(0.125)},
		{"lognormal σ 1", lognormalSpread(1), math.Exp(0.5)},
		{"lognormal σ 3", lognormalSpread(3), math.Exp(4.5)},
		{"exponential", unitExponential, 1},
		{"lognormal σ 0", lognormalSpread(0), 1},
	} {
		var sum float64
		const n = 1 << 20
		for i := range n {
			u := (float64(i) + 0.5) / n
			got, want := tc.table.at(u), tc.table.exact(u)
			if math.Abs(got-want) > 1.5*quantileTolerance*want {
				t.Fatalf("%s at %v: %v, exact %v", tc.name, u, got, want)
			}
			sum += got
		}
		// A stratified sample of 2^20: its mean is within 0.1% (the
		// exponential's within 1%, σ 3's within 2%: their far tails are cut
		// by the last point at 1 − 2^-21).
		tol := 0.001
		switch {
		case tc.mean == 1:
			tol = 0.01
		case tc.mean > 50:
			tol = 0.02
		}
		if m := sum / n; math.Abs(m-tc.mean) > tol*tc.mean {
			t.Errorf("%s: mean %v, want %v", tc.name, m, tc.mean)
		}
		t.Logf("%s: bins [%d, %d) of %d interpolate", tc.name, tc.table.lo, tc.table.hi, quantiles)
		if tc.table.hi-tc.table.lo < quantiles*3/4 {
			t.Errorf("%s: only bins [%d, %d) interpolate", tc.name, tc.table.lo, tc.table.hi)
		}
	}
}
