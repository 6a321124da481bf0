package scenarios

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// hitTTFBs keeps the TTFB of every hit served to a viewer at its nearest
// POP (its own resolver's answer, the POP up).
type hitTTFBs []sim.Time

func (h *hitTTFBs) Observe(o *topology.Outcome) {
	if o.Edge == topology.Hit && !o.PublicResolver {
		*h = append(*h, o.TTFB)
	}
}

// TestNewsSpikeHitTTFB: with the default viewer side (last mile, connection
// set-up, jitter), a hit's median time to first byte for viewers at their
// nearest POP is tens of milliseconds, as real viewers see, not the 3 ms
// of the metro–POP distance alone; summary.json's by_result agrees.
func TestNewsSpikeHitTTFB(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", []string{"warmup=30m", "workload.duration=1h", "workload.spikes[0].at=30m"})
	if err != nil {
		t.Fatal(err)
	}
	var hits hitTTFBs
	r, err := s.NewRun(s.Seed, &hits)
	if err != nil {
		t.Fatal(err)
	}
	r.Simulate(nil)
	slices.Sort(hits)
	p50 := hits[len(hits)/2]
	t.Logf("%d hits at the nearest POP: TTFB p50 %v, p95 %v", len(hits), p50, hits[len(hits)*95/100])
	if p50 < 10*sim.Millisecond || p50 > 40*sim.Millisecond {
		t.Errorf("a hit's median TTFB at the nearest POP is %v, want 10–40 ms", p50)
	}
	if got := r.Recorder.Summary().Latency.ByResult["Hit"].P50; got < 10 || got > 40 {
		t.Errorf("latency_ms.by_result.Hit.ttfb_p50 = %v ms, want 10–40", got)
	}
	// Without the viewer side, the same hits take the metro–POP round
	// trip and the POP's half millisecond.
	off, err := Load("news-spike", []string{"warmup=30m", "workload.duration=1h", "workload.spikes[0].at=30m", "viewers.enabled=false"})
	if err != nil {
		t.Fatal(err)
	}
	var bare hitTTFBs
	r, err = off.NewRun(off.Seed, &bare)
	if err != nil {
		t.Fatal(err)
	}
	r.Simulate(nil)
	slices.Sort(bare)
	if p := bare[len(bare)/2]; p > 5*sim.Millisecond {
		t.Errorf("without the viewer side a hit's median TTFB is %v, want the few ms of the metro–POP RTT", p)
	}
}

func TestViewersKeys(t *testing.T) {
	t.Parallel()
	base := []string{"workload.duration=1h"}
	s, err := Load("news-spike", append(base, `viewers.region_mix.ap-south={fixed=0.4,mobile=0.6}`,
		`viewers.metro_mix.Lagos={fixed=0,mobile=1}`, "viewers.connection_reuse=0.5", "viewers.jitter=3ms"))
	if err != nil {
		t.Fatal(err)
	}
	v := s.Topology.Viewers
	if v.Reuse != 0.5 || v.HTTP3 != defaultHTTP3 || v.Jitter != 3*time.Millisecond || len(v.Access) != len(s.Topology.Metros) {
		t.Fatalf("viewers %+v", v)
	}
	share := func(metro, network string) float64 {
		m := slices.IndexFunc(s.Topology.Metros, func(m topology.Metro) bool { return m.Name == metro })
		for _, a := range v.Access[m] {
			if a.Name == network {
				return a.Share
			}
		}
		return -1
	}
	for _, c := range []struct {
		metro string
		want  float64
	}{{"Mumbai", 0.6}, {"Lagos", 1}, {"London", 0.3}} {
		if got := share(c.metro, "mobile"); got != c.want {
			t.Errorf("%s: mobile share %v, want %v", c.metro, got, c.want)
		}
	}
	for _, bad := range []struct{ set, key string }{
		{"viewers.connection_reuse=1.5", "viewers.connection_reuse"},
		{"viewers.mix={fixed=0.5,mobile=0.2}", "viewers.mix"},
		{"viewers.mix={fixed=0.5,cable=0.5}", "viewers.mix.cable"},
		{"viewers.region_mix.mars={fixed=1}", "viewers.region_mix.mars"},
		{"viewers.metro_mix.Atlantis={fixed=1}", "viewers.metro_mix.Atlantis"},
		{"viewers.jitter=-1ms", "viewers.jitter"},
	} {
		_, err := Load("news-spike", append(base, bad.set))
		if err == nil || !strings.Contains(err.Error(), bad.key+":") {
			t.Errorf("--set %s: %v, want an error naming %s", bad.set, err, bad.key)
		}
	}
}
