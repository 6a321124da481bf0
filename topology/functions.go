package topology

import (
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// Kinds of edge function.
const (
	// FnCloudFront is a CloudFront Function: viewer events only, run at
	// the POP, with AWS's "sub-millisecond startup times" and no cold
	// starts (CloudFront Developer Guide, "Differences between CloudFront
	// Functions and Lambda@Edge").
	FnCloudFront = "cloudfront"
	// FnLambda is a Lambda@Edge function: milliseconds a run, and cold
	// starts when no warm instance is free.
	FnLambda = "lambda"
)

// Defaults of a Function's latencies. CloudFront Functions run in under a
// millisecond; Lambda@Edge's few milliseconds of a light handler and its
// cold start of a couple of hundred (a Node.js runtime) are our round
// figures from published measurements, to be set per scenario.
const (
	defaultCloudFrontLatency = 300 * time.Microsecond
	defaultLambdaLatency     = 5 * time.Millisecond
	defaultLambdaColdStart   = 200 * time.Millisecond
)

// Function is an edge function a behaviour runs on a request: at the
// viewer-request event (at the POP, on every request, before the cache
// lookup) or the origin-request event (on a request that goes to the
// origin, before it leaves). Its time adds to the viewer's.
type Function struct {
	Kind      string        // "" (none), FnCloudFront or FnLambda
	Latency   time.Duration // one run; 0: the kind's default
	ColdStart time.Duration // a cold start's extra time (Lambda@Edge); 0: the default
	// ColdRate is the share of runs that start cold (Lambda@Edge only).
	ColdRate float64
	// DropTracking is a viewer-request function that removes tracking
	// query parameters before the cache lookup, so they leave the cache
	// key whatever the cache policy keeps (a cache-key normalisation).
	DropTracking bool
}

// validate checks the function at key; viewer says which event it is on.
func (f *Function) validate(key string, viewer bool) error {
	switch f.Kind {
	case "":
		if f.Latency != 0 || f.ColdStart != 0 || f.ColdRate != 0 || f.DropTracking {
			return ferr(key+".kind", "is needed: %q or %q", FnCloudFront, FnLambda)
		}
		return nil
	case FnCloudFront:
		if !viewer {
			return ferr(key+".kind", "CloudFront Functions run on viewer events only: use %q", FnLambda)
		}
		if f.ColdStart != 0 || f.ColdRate != 0 {
			return ferr(key+".cold_rate", "CloudFront Functions have no cold starts")
		}
	case FnLambda:
	default:
		return ferr(key+".kind", "must be %q or %q, got %q", FnCloudFront, FnLambda, f.Kind)
	}
	if f.Latency < 0 || f.ColdStart < 0 {
		return ferr(key+".latency", "must be >= 0")
	}
	if f.ColdRate < 0 || f.ColdRate > 1 {
		return ferr(key+".cold_rate", "must be in [0, 1], got %v", f.ColdRate)
	}
	if f.DropTracking && !viewer {
		return ferr(key+".drop_tracking", "only a viewer-request function runs before the cache lookup")
	}
	return nil
}

// fnModel is a Function as the path runs it.
type fnModel struct {
	on           bool
	dropTracking bool
	latency      sim.Time
	coldStart    sim.Time
	cold         uint64 // a run is cold when its draw is below this
	seed         uint64
}

func newFnModel(f Function, seed uint64, event uint64) fnModel {
	if f.Kind == "" {
		return fnModel{}
	}
	m := fnModel{on: true, dropTracking: f.DropTracking, latency: sim.Duration(f.Latency),
		seed: sim.Mix64(seed ^ event)}
	if f.Kind == FnCloudFront {
		if m.latency == 0 {
			m.latency = sim.Duration(defaultCloudFrontLatency)
		}
		return m
	}
	if m.latency == 0 {
		m.latency = sim.Duration(defaultLambdaLatency)
	}
	m.coldStart = orDur(f.ColdStart, defaultLambdaColdStart)
	m.cold = sim.Threshold(f.ColdRate)
	return m
}

// invoke runs f for the request for obj at t and returns its time. Whether
// it starts cold is a counter-based draw on (obj, t), so it does not move
// any other random stream.
func (n *Network) invoke(f *fnModel, obj uint64, t sim.Time) sim.Time {
	d := f.latency
	if f.cold > 0 && sim.Mix64(f.seed^sim.Mix64(obj^uint64(t)*0x9e3779b97f4a7c15)) < f.cold {
		d += f.coldStart
		n.out.ColdStarts++
	}
	n.out.Functions++
	n.out.FunctionTime += d
	return d
}
