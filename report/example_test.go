package report_test

import (
	"fmt"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

func ExampleRecorder() {
	r := report.NewRecorder(report.Config{
		Scenario: "tiny", Seed: 1, Duration: sim.Minute,
		POPs: []string{"IAD89-C1"}, Regions: []string{"us-east-1"},
	})
	// The topology reuses one Outcome; the Recorder copies nothing out of it.
	o := topology.Outcome{Size: 1000, TTFB: 20 * sim.Millisecond, Edge: topology.Hit}
	for i := range 4 {
		o.Time = sim.Time(i) * sim.Second
		r.Observe(&o)
	}
	// A miss at both tiers: the request went to the regional cache and on
	// to the origin, and the object came back over both flows.
	o.Edge, o.Regional, o.TTFB = topology.Miss, topology.Miss, 120*sim.Millisecond
	o.Flows = 1<<topology.EdgeRegional | 1<<topology.RegionalOrigin
	o.FlowBytes[topology.EdgeRegional], o.FlowBytes[topology.RegionalOrigin] = o.Size, o.Size
	r.Observe(&o)

	// Percentiles are interpolated inside 5.9%-wide histogram buckets, so
	// the median of four 20 ms samples reads 20.7 ms.
	s := r.Summary()
	fmt.Printf("edge hit ratio %.2f, origin requests %d, origin offload %.2f\n",
		s.Tiers.Edge.HitRatio.Float(), s.Tiers.Origin.Requests, s.OriginOffload.Requests.Float())
	fmt.Println(s.Text())
	// Output:
	// edge hit ratio 0.80, origin requests 1, origin offload 0.80
	// tiny (seed 1): 5 requests (5.0 kB) over 1m. Hit ratio: edge 80.0% (80.0% of bytes), regional 0.0% (0.0% of bytes) of the 1 request that reached it; origin offload 80.0% of requests (80.0% of bytes). Origin: 1 request (1.0 kB), mean 0.02 req/s, peak 1 req/s at 00:00:03. TTFB p50 20.7 ms, p95 119.7 ms, p99 119.9 ms. Busiest POP: IAD89-C1 (us-east-1), 5 requests, hit ratio 80.0%.
}
